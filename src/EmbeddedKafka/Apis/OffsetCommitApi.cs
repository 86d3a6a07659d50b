using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// OffsetCommit (key 8), v0-7.
/// - Generation -1 with an empty member id is a standalone commit (assign() consumers, admin
///   AlterConsumerGroupOffsets): allowed while the group has no members, UNKNOWN_MEMBER_ID otherwise.
/// - Otherwise the member and generation must be current: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID (v7),
///   ILLEGAL_GENERATION; REBALANCE_IN_PROGRESS between JoinGroup and the assignment. During
///   PreparingRebalance the current generation may still commit (revocation commits).
/// - Partitions of unknown topics: UNKNOWN_TOPIC_OR_PARTITION. Stores offset, leader epoch (v6) and metadata.
/// </summary>
internal sealed class OffsetCommitApi(Cluster cluster) : KafkaApi<OffsetCommitRequest, OffsetCommitResponse>(cluster)
{
    public override ApiKey Key => ApiKey.OffsetCommit;

    public override short MinVersion => 0;

    public override short MaxVersion => 7;

    protected override ValueTask<OffsetCommitResponse?> HandleAsync(RequestContext context, OffsetCommitRequest request, CancellationToken cancellationToken)
    {
        if (request.GroupId.Length == 0)
        {
            return ValueTask.FromResult<OffsetCommitResponse?>(ErrorResponse(context, request, ErrorCode.InvalidGroupId));
        }

        var now = Cluster.NowMs;
        var known = new HashSet<(string Topic, int Partition)>();
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                foreach (var partition in topic.Partitions.Where(p => Cluster.FindPartition(topic.Name, p.PartitionIndex) is not null))
                {
                    known.Add((topic.Name, partition.PartitionIndex));
                }
            }
        }

        var offsets = request.Topics
            .SelectMany(t => t.Partitions.Where(p => known.Contains((t.Name, p.PartitionIndex))).Select(p => (t.Name, p.PartitionIndex,
                new CommittedOffset(p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata, p.CommitTimestamp >= 0 ? p.CommitTimestamp : now))))
            .ToList();
        var error = offsets.Count == 0
            ? ErrorCode.None
            : Cluster.Groups.CommitOffsets(request.GroupId, request.GenerationIdOrMemberEpoch, request.MemberId, request.GroupInstanceId, offsets);
        return ValueTask.FromResult<OffsetCommitResponse?>(new OffsetCommitResponse
        {
            Topics = [.. request.Topics.Select(t => new OffsetCommitResponse.OffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition
                {
                    PartitionIndex = p.PartitionIndex,
                    ErrorCode = (short)(known.Contains((t.Name, p.PartitionIndex)) ? error : ErrorCode.UnknownTopicOrPartition),
                })],
            })],
        });
    }

    protected override OffsetCommitResponse ErrorResponse(RequestContext context, OffsetCommitRequest request, ErrorCode error) => new()
    {
        Topics = [.. request.Topics.Select(t => new OffsetCommitResponse.OffsetCommitResponseTopic
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error })],
        })],
    };
}
