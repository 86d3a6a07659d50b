using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// CreateTopics (key 19), v0-4.
/// - NumPartitions -1 (v4) takes EmbeddedKafkaOptions.DefaultPartitions; a manual assignment gives the
///   partition count and may name only this node.
/// - ReplicationFactor must be -1 or 1: there is one broker (INVALID_REPLICATION_FACTOR otherwise).
/// - Configs are validated against the known topic configs (INVALID_CONFIG) and stored as overrides.
/// - ValidateOnly (v1+) checks everything and creates nothing. A topic named twice in one request
///   gets INVALID_REQUEST, as in Kafka.
/// </summary>
internal sealed class CreateTopicsApi(Cluster cluster) : KafkaApi<CreateTopicsRequest, CreateTopicsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.CreateTopics;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    protected override ValueTask<CreateTopicsResponse?> HandleAsync(RequestContext context, CreateTopicsRequest request, CancellationToken cancellationToken)
    {
        var duplicates = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var response = new CreateTopicsResponse { Topics = [] };
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var result = new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name, ErrorMessage = null };
                response.Topics.Add(result);
                var (error, message) = duplicates.Contains(topic.Name)
                    ? (ErrorCode.InvalidRequest, $"Create topics request from client contains multiple entries for topic {topic.Name}")
                    : Create(topic, request.validateOnly);
                result.ErrorCode = (short)error;
                result.ErrorMessage = message;
            }
        }

        return ValueTask.FromResult<CreateTopicsResponse?>(response);
    }

    private (ErrorCode Error, string? Message) Create(CreateTopicsRequest.CreatableTopic request, bool validateOnly)
    {
        var name = request.Name;
        if (TopicName.Validate(name) != ErrorCode.None)
        {
            return (ErrorCode.InvalidTopicException, $"Topic name '{name}' is illegal: it must be 1-249 characters of ASCII letters, digits, '.', '_' and '-', and not '.' or '..'.");
        }

        if (Cluster.Topics.ContainsKey(name))
        {
            return (ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        }

        int partitions;
        if (request.Assignments.Count > 0)
        {
            if (request.NumPartitions != -1 || request.ReplicationFactor != -1)
            {
                return (ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }

            var expected = 0;
            foreach (var assignment in request.Assignments.OrderBy(a => a.PartitionIndex))
            {
                if (assignment.PartitionIndex != expected++ || assignment.BrokerIds.Count != 1 || assignment.BrokerIds[0] != Cluster.NodeId)
                {
                    return (ErrorCode.InvalidReplicaAssignment, $"Replica assignments must give partitions 0..n-1 exactly one replica, broker {Cluster.NodeId}.");
                }
            }

            partitions = request.Assignments.Count;
        }
        else
        {
            if (request.ReplicationFactor is not (-1 or 1))
            {
                return (ErrorCode.InvalidReplicationFactor, $"Replication factor: {request.ReplicationFactor} larger than available brokers: 1.");
            }

            partitions = request.NumPartitions == -1 ? Cluster.Options.DefaultPartitions : request.NumPartitions;
            if (partitions < 1)
            {
                return (ErrorCode.InvalidPartitions, $"Number of partitions was set to an invalid non-positive value: {request.NumPartitions}.");
            }
        }

        var configs = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var config in request.Configs)
        {
            if (TopicConfigs.Validate(config.Name, config.Value) is { } invalid)
            {
                return (ErrorCode.InvalidConfig, invalid);
            }

            configs[config.Name] = config.Value;
        }

        if (validateOnly)
        {
            return (ErrorCode.None, null);
        }

        var error = Cluster.CreateTopic(name, partitions, configs, out _);
        if (error == ErrorCode.None)
        {
            Log.TopicCreated(Cluster.Logger, name, partitions);
        }

        return (error, null);
    }

    protected override CreateTopicsResponse ErrorResponse(RequestContext context, CreateTopicsRequest request, ErrorCode error) => new()
    {
        Topics = [.. request.Topics.Select(t => new CreateTopicsResponse.CreatableTopicResult { Name = t.Name, ErrorCode = (short)error, ErrorMessage = null })],
    };
}
