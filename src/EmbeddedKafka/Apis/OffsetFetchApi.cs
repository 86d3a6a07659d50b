using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// OffsetFetch (key 9), v1-7.
/// - Offset -1 and empty metadata for partitions without a committed offset (and for unknown groups).
/// - Null topics (v2+): every committed offset of the group.
/// - RequireStable (v7, KIP-447): UNSTABLE_OFFSET_COMMIT for a partition while an open transaction has
///   staged an offset for it; the client retries until the transaction ends.
/// </summary>
internal sealed class OffsetFetchApi(Cluster cluster) : KafkaApi<OffsetFetchRequest, OffsetFetchResponse>(cluster)
{
    public override ApiKey Key => ApiKey.OffsetFetch;

    public override short MinVersion => 1;

    public override short MaxVersion => 7;

    protected override ValueTask<OffsetFetchResponse?> HandleAsync(RequestContext context, OffsetFetchRequest request, CancellationToken cancellationToken)
    {
        var groups = Cluster.Groups;
        var wanted = request.Topics is { } topics
            ? topics.SelectMany(t => t.PartitionIndexes.Select(p => (Topic: t.Name, Partition: p))).ToList()
            : [.. groups.OffsetsOf(request.GroupId).Select(o => (o.Topic, o.Partition))];
        var response = new OffsetFetchResponse { Topics = [] };
        foreach (var topic in wanted.GroupBy(w => w.Topic, StringComparer.Ordinal))
        {
            response.Topics.Add(new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = topic.Key,
                Partitions = [.. topic.Select(w => Answer(request, w.Topic, w.Partition))],
            });
        }

        return ValueTask.FromResult<OffsetFetchResponse?>(response);
    }

    private OffsetFetchResponse.OffsetFetchResponsePartition Answer(OffsetFetchRequest request, string topic, int partition)
    {
        var groups = Cluster.Groups;
        if (request.RequireStable && groups.HasPendingOffset(request.GroupId, topic, partition))
        {
            return new() { PartitionIndex = partition, CommittedOffset = -1, Metadata = "", ErrorCode = (short)ErrorCode.UnstableOffsetCommit };
        }

        var offset = groups.FindOffset(request.GroupId, topic, partition);
        return new()
        {
            PartitionIndex = partition,
            CommittedOffset = offset?.Offset ?? -1,
            CommittedLeaderEpoch = offset?.LeaderEpoch ?? -1,
            Metadata = offset?.Metadata ?? "",
        };
    }

    protected override OffsetFetchResponse ErrorResponse(RequestContext context, OffsetFetchRequest request, ErrorCode error) => new()
    {
        ErrorCode = (short)error,
        Topics = [.. (request.Topics ?? []).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopic
        {
            Name = t.Name,
            Partitions = [.. t.PartitionIndexes.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition
            {
                PartitionIndex = p, CommittedOffset = -1, Metadata = "", ErrorCode = (short)error,
            })],
        })],
    };
}
