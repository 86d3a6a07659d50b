using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// IncrementalAlterConfigs (key 44), v0-1: applies SET, DELETE, APPEND and SUBTRACT (the last two
/// only on list configs such as cleanup.policy) to a topic's overrides; all or nothing per resource.
/// Unknown names, bad values or a list operation on a scalar get INVALID_CONFIG; ValidateOnly changes
/// nothing. Broker configs are read-only here: INVALID_REQUEST.
/// </summary>
internal sealed class IncrementalAlterConfigsApi(Cluster cluster) : KafkaApi<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(cluster)
{
    private const sbyte Set = 0;
    private const sbyte Delete = 1;
    private const sbyte Append = 2;
    private const sbyte Subtract = 3;

    public override ApiKey Key => ApiKey.IncrementalAlterConfigs;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<IncrementalAlterConfigsResponse?> HandleAsync(RequestContext context, IncrementalAlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new IncrementalAlterConfigsResponse { Responses = [] };
        lock (Cluster.Sync)
        {
            foreach (var resource in request.Resources)
            {
                var (error, message) = Alter(resource, request.ValidateOnly);
                response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
                {
                    ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorCode = (short)error, ErrorMessage = message,
                });
            }
        }

        return ValueTask.FromResult<IncrementalAlterConfigsResponse?>(response);
    }

    private (ErrorCode, string?) Alter(IncrementalAlterConfigsRequest.AlterConfigsResource resource, bool validateOnly)
    {
        if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
        {
            return (ErrorCode.InvalidRequest, "Only topic configs can be altered; broker settings come from EmbeddedKafkaOptions.");
        }

        if (!Cluster.Topics.TryGetValue(resource.ResourceName, out var topic))
        {
            return (ErrorCode.UnknownTopicOrPartition, $"Topic '{resource.ResourceName}' does not exist.");
        }

        var configs = new Dictionary<string, string?>(topic.Configs, StringComparer.Ordinal);
        foreach (var config in resource.Configs)
        {
            if (!TopicConfigs.IsKnown(config.Name))
            {
                return (ErrorCode.InvalidConfig, $"Unknown topic config name: {config.Name}");
            }

            if (config.ConfigOperation is Append or Subtract && !TopicConfigs.IsList(config.Name))
            {
                return (ErrorCode.InvalidConfig, $"Config value append/subtract is not allowed for config key: {config.Name}");
            }

            switch (config.ConfigOperation)
            {
                case Set:
                    configs[config.Name] = config.Value;
                    break;
                case Delete:
                    configs.Remove(config.Name);
                    continue;
                case Append or Subtract:
                    var current = (configs.TryGetValue(config.Name, out var value) ? value : TopicConfigs.DefaultValue(config.Name, Cluster.Options)) ?? "";
                    var items = current.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    var change = (config.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    items = config.ConfigOperation == Append ? [.. items.Union(change)] : [.. items.Except(change)];
                    configs[config.Name] = string.Join(',', items);
                    break;
                default:
                    return (ErrorCode.InvalidRequest, $"Unknown config operation {config.ConfigOperation}");
            }

            if (TopicConfigs.Validate(config.Name, configs[config.Name]) is { } invalid)
            {
                return (ErrorCode.InvalidConfig, invalid);
            }
        }

        if (!validateOnly)
        {
            Cluster.ReplaceTopicConfigs(topic, configs);
            Log.TopicConfigsAltered(Cluster.Logger, topic.Name);
        }

        return (ErrorCode.None, null);
    }

    protected override IncrementalAlterConfigsResponse ErrorResponse(RequestContext context, IncrementalAlterConfigsRequest request, ErrorCode error) => new()
    {
        Responses = [.. request.Resources.Select(r => new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
        {
            ResourceType = r.ResourceType, ResourceName = r.ResourceName, ErrorCode = (short)error, ErrorMessage = null,
        })],
    };
}
