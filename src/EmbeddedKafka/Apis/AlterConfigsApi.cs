using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// AlterConfigs (key 33), v0-1: replaces all of a topic's config overrides with the given set, as
/// Kafka does; configs left out return to their defaults. Unknown names or bad values get
/// INVALID_CONFIG and change nothing; ValidateOnly changes nothing. Broker configs are read-only
/// here (they come from EmbeddedKafkaOptions): INVALID_REQUEST.
/// </summary>
internal sealed class AlterConfigsApi(Cluster cluster) : KafkaApi<AlterConfigsRequest, AlterConfigsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.AlterConfigs;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<AlterConfigsResponse?> HandleAsync(RequestContext context, AlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new AlterConfigsResponse { Responses = [] };
        lock (Cluster.Sync)
        {
            foreach (var resource in request.Resources)
            {
                var (error, message) = Alter(resource, request.ValidateOnly);
                response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
                {
                    ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorCode = (short)error, ErrorMessage = message,
                });
            }
        }

        return ValueTask.FromResult<AlterConfigsResponse?>(response);
    }

    private (ErrorCode, string?) Alter(AlterConfigsRequest.AlterConfigsResource resource, bool validateOnly)
    {
        if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
        {
            return (ErrorCode.InvalidRequest, "Only topic configs can be altered; broker settings come from EmbeddedKafkaOptions.");
        }

        if (!Cluster.Topics.TryGetValue(resource.ResourceName, out var topic))
        {
            return (ErrorCode.UnknownTopicOrPartition, $"Topic '{resource.ResourceName}' does not exist.");
        }

        var configs = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var config in resource.Configs)
        {
            if (TopicConfigs.Validate(config.Name, config.Value) is { } invalid)
            {
                return (ErrorCode.InvalidConfig, invalid);
            }

            configs[config.Name] = config.Value;
        }

        if (!validateOnly)
        {
            Cluster.ReplaceTopicConfigs(topic, configs);
            Log.TopicConfigsAltered(Cluster.Logger, topic.Name);
        }

        return (ErrorCode.None, null);
    }

    protected override AlterConfigsResponse ErrorResponse(RequestContext context, AlterConfigsRequest request, ErrorCode error) => new()
    {
        Responses = [.. request.Resources.Select(r => new AlterConfigsResponse.AlterConfigsResourceResponse
        {
            ResourceType = r.ResourceType, ResourceName = r.ResourceName, ErrorCode = (short)error, ErrorMessage = null,
        })],
    };
}
