using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// TxnOffsetCommit (key 28), v0-3 (v3 flexible, with the group generation and member of KIP-447).
/// <list type="bullet">
/// <item>Stages the offsets in the group until the transaction ends: committed with it, dropped on abort;
/// meanwhile OffsetFetch with RequireStable answers UNSTABLE_OFFSET_COMMIT.</item>
/// <item>The group must have been added to this transaction with AddOffsetsToTxn: INVALID_TXN_STATE otherwise.</item>
/// <item>A generation id or member id is checked against the live group (ILLEGAL_GENERATION,
/// UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID); generation -1 with no member skips the check.</item>
/// <item>Unknown transactional id or producer id: INVALID_PRODUCER_ID_MAPPING; stale epoch:
/// INVALID_PRODUCER_EPOCH (this API never gained PRODUCER_FENCED).</item>
/// </list>
/// </summary>
internal sealed class TxnOffsetCommitApi(Cluster cluster) : KafkaApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>(cluster)
{
    public override ApiKey Key => ApiKey.TxnOffsetCommit;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    protected override ValueTask<TxnOffsetCommitResponse?> HandleAsync(RequestContext context, TxnOffsetCommitRequest request, CancellationToken cancellationToken)
    {
        var now = Cluster.NowMs;
        var offsets = request.Topics
            .SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, new CommittedOffset(p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata, now))))
            .ToList();
        var errors = Cluster.Transactions.CommitOffsets(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId,
            request.GenerationId, request.MemberId, request.GroupInstanceId, offsets);
        var byPartition = new Dictionary<(string, int), ErrorCode>();
        for (var i = 0; i < offsets.Count; i++)
        {
            byPartition[(offsets[i].Name, offsets[i].PartitionIndex)] = errors[i] == ErrorCode.ProducerFenced ? ErrorCode.InvalidProducerEpoch : errors[i];
        }

        return ValueTask.FromResult<TxnOffsetCommitResponse?>(Respond(request, (topic, partition) => byPartition[(topic, partition)]));
    }

    protected override TxnOffsetCommitResponse ErrorResponse(RequestContext context, TxnOffsetCommitRequest request, ErrorCode error) =>
        Respond(request, (_, _) => error);

    private static TxnOffsetCommitResponse Respond(TxnOffsetCommitRequest request, Func<string, int, ErrorCode> error) => new()
    {
        Topics = [.. request.Topics.Select(t => new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p => new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition
            {
                PartitionIndex = p.PartitionIndex, ErrorCode = (short)error(t.Name, p.PartitionIndex),
            })],
        })],
    };
}
