using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// AddOffsetsToTxn (key 25), v0-1 (librdkafka sends only v0).
/// <list type="bullet">
/// <item>Lets the transaction commit offsets of the group with TxnOffsetCommit, starting the transaction if none is open.</item>
/// <item>Unknown transactional id or producer id: INVALID_PRODUCER_ID_MAPPING; stale epoch: INVALID_PRODUCER_EPOCH
/// (PRODUCER_FENCED only exists from v2); empty group id: INVALID_GROUP_ID.</item>
/// </list>
/// </summary>
internal sealed class AddOffsetsToTxnApi(Cluster cluster) : KafkaApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>(cluster)
{
    public override ApiKey Key => ApiKey.AddOffsetsToTxn;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<AddOffsetsToTxnResponse?> HandleAsync(RequestContext context, AddOffsetsToTxnRequest request, CancellationToken cancellationToken)
    {
        var error = Cluster.Transactions.AddOffsets(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId);
        return ValueTask.FromResult<AddOffsetsToTxnResponse?>(ErrorResponse(context, request, error == ErrorCode.ProducerFenced ? ErrorCode.InvalidProducerEpoch : error));
    }

    protected override AddOffsetsToTxnResponse ErrorResponse(RequestContext context, AddOffsetsToTxnRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
