using System.Globalization;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// DescribeConfigs (key 32), v0-2.
/// - TOPIC resources: every known topic config (or the keys asked for; unknown keys are left out),
///   overrides as DYNAMIC_TOPIC_CONFIG, the rest as DEFAULT_CONFIG. Unknown topic: UNKNOWN_TOPIC_OR_PARTITION.
/// - BROKER resources ("" or this node's id): the broker's settings, read-only, STATIC_BROKER_CONFIG.
/// - Other resource types or another broker id: INVALID_REQUEST.
/// - IncludeSynonyms (v1+) lists the value itself as its only synonym.
/// </summary>
internal sealed class DescribeConfigsApi(Cluster cluster) : KafkaApi<DescribeConfigsRequest, DescribeConfigsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.DescribeConfigs;

    public override short MinVersion => 0;

    public override short MaxVersion => 2;

    protected override ValueTask<DescribeConfigsResponse?> HandleAsync(RequestContext context, DescribeConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new DescribeConfigsResponse { Results = [] };
        lock (Cluster.Sync)
        {
            foreach (var resource in request.Resources)
            {
                var result = new DescribeConfigsResponse.DescribeConfigsResult
                {
                    ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorMessage = null, Configs = [],
                };
                response.Results.Add(result);
                var wanted = resource.ConfigurationKeys is { Count: > 0 } keys ? keys.ToHashSet(StringComparer.Ordinal) : null;
                var (error, message) = (ConfigResourceType)resource.ResourceType switch
                {
                    ConfigResourceType.Topic => DescribeTopic(resource.ResourceName, wanted, request.IncludeSynonyms, result.Configs),
                    ConfigResourceType.Broker => DescribeBroker(resource.ResourceName, wanted, request.IncludeSynonyms, result.Configs),
                    _ => (ErrorCode.InvalidRequest, $"Unsupported resource type {resource.ResourceType}"),
                };
                result.ErrorCode = (short)error;
                result.ErrorMessage = message;
            }
        }

        return ValueTask.FromResult<DescribeConfigsResponse?>(response);
    }

    private (ErrorCode, string?) DescribeTopic(string name, HashSet<string>? wanted, bool synonyms, List<DescribeConfigsResponse.DescribeConfigsResourceResult> into)
    {
        if (!Cluster.Topics.TryGetValue(name, out var topic))
        {
            return (ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.");
        }

        foreach (var config in TopicConfigs.Names.Where(n => wanted is null || wanted.Contains(n)))
        {
            var overridden = topic.Configs.TryGetValue(config, out var value);
            into.Add(Entry(config, overridden ? value : TopicConfigs.DefaultValue(config, Cluster.Options),
                overridden ? ConfigSource.DynamicTopicConfig : ConfigSource.DefaultConfig, readOnly: false, synonyms));
        }

        return (ErrorCode.None, null);
    }

    private (ErrorCode, string?) DescribeBroker(string name, HashSet<string>? wanted, bool synonyms, List<DescribeConfigsResponse.DescribeConfigsResourceResult> into)
    {
        if (name.Length > 0 && name != Cluster.NodeId.ToString(CultureInfo.InvariantCulture))
        {
            return (ErrorCode.InvalidRequest, $"Unexpected broker id, expected {Cluster.NodeId} or empty string, but received {name}");
        }

        foreach (var (config, value) in BrokerConfigs.Describe(Cluster.Options).Where(c => wanted is null || wanted.Contains(c.Name)))
        {
            into.Add(Entry(config, value, ConfigSource.StaticBrokerConfig, readOnly: true, synonyms));
        }

        return (ErrorCode.None, null);
    }

    private static DescribeConfigsResponse.DescribeConfigsResourceResult Entry(string name, string? value, ConfigSource source, bool readOnly, bool synonyms) => new()
    {
        Name = name,
        Value = value,
        ReadOnly = readOnly,
        IsDefault = source == ConfigSource.DefaultConfig,
        ConfigSource = (sbyte)source,
        IsSensitive = false,
        Synonyms = synonyms ? [new DescribeConfigsResponse.DescribeConfigsSynonym { Name = name, Value = value, Source = (sbyte)source }] : [],
    };

    protected override DescribeConfigsResponse ErrorResponse(RequestContext context, DescribeConfigsRequest request, ErrorCode error) => new()
    {
        Results = [.. request.Resources.Select(r => new DescribeConfigsResponse.DescribeConfigsResult
        {
            ResourceType = r.ResourceType, ResourceName = r.ResourceName, ErrorCode = (short)error, ErrorMessage = null, Configs = [],
        })],
    };
}
