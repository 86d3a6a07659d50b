using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// CreatePartitions (key 37), v0-1: grows a topic to Count partitions. Fewer or as many as it has get
/// INVALID_PARTITIONS, an unknown topic UNKNOWN_TOPIC_OR_PARTITION, assignments naming another broker
/// INVALID_REPLICA_ASSIGNMENT, a topic named twice INVALID_REQUEST. ValidateOnly changes nothing.
/// </summary>
internal sealed class CreatePartitionsApi(Cluster cluster) : KafkaApi<CreatePartitionsRequest, CreatePartitionsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.CreatePartitions;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<CreatePartitionsResponse?> HandleAsync(RequestContext context, CreatePartitionsRequest request, CancellationToken cancellationToken)
    {
        var duplicates = request.Topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var response = new CreatePartitionsResponse { Results = [] };
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var (error, message) = duplicates.Contains(topic.Name)
                    ? (ErrorCode.InvalidRequest, $"Duplicate topic in request: {topic.Name}")
                    : Grow(topic, request.ValidateOnly);
                response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = topic.Name, ErrorCode = (short)error, ErrorMessage = message });
            }
        }

        return ValueTask.FromResult<CreatePartitionsResponse?>(response);
    }

    private (ErrorCode Error, string? Message) Grow(CreatePartitionsRequest.CreatePartitionsTopic request, bool validateOnly)
    {
        if (!Cluster.Topics.TryGetValue(request.Name, out var topic))
        {
            return (ErrorCode.UnknownTopicOrPartition, $"The topic '{request.Name}' does not exist.");
        }

        var current = topic.Partitions.Count;
        if (request.Count <= current)
        {
            return (ErrorCode.InvalidPartitions, request.Count == current
                ? $"Topic already has {current} partitions."
                : $"Topic currently has {current} partitions, which is higher than the requested {request.Count}.");
        }

        if (request.Assignments is { } assignments
            && (assignments.Count != request.Count - current || assignments.Any(a => a.BrokerIds.Count != 1 || a.BrokerIds[0] != Cluster.NodeId)))
        {
            return (ErrorCode.InvalidReplicaAssignment, $"Each new partition needs exactly one replica, broker {Cluster.NodeId}.");
        }

        if (validateOnly)
        {
            return (ErrorCode.None, null);
        }

        var error = Cluster.AddPartitions(request.Name, request.Count);
        if (error == ErrorCode.None)
        {
            Log.PartitionsCreated(Cluster.Logger, request.Name, request.Count);
        }

        return (error, null);
    }

    protected override CreatePartitionsResponse ErrorResponse(RequestContext context, CreatePartitionsRequest request, ErrorCode error) => new()
    {
        Results = [.. request.Topics.Select(t => new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = t.Name, ErrorCode = (short)error })],
    };
}
