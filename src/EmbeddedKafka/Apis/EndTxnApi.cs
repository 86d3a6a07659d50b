using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// EndTxn (key 26), v0-1.
/// <list type="bullet">
/// <item>Commit or abort: a control batch (marker) goes to every partition of the transaction and its staged
/// offsets are committed or dropped, all before the answer (no PrepareCommit/PrepareAbort is ever observed).</item>
/// <item>A transaction with only offsets, or nothing produced, ends like any other.</item>
/// <item>Retrying the outcome the last transaction already had succeeds; the other outcome with no open
/// transaction gets INVALID_TXN_STATE.</item>
/// <item>Unknown transactional id or producer id: INVALID_PRODUCER_ID_MAPPING; stale epoch (a newer instance,
/// or fenced by the transaction timeout): INVALID_PRODUCER_EPOCH (PRODUCER_FENCED only exists from v2).</item>
/// </list>
/// </summary>
internal sealed class EndTxnApi(Cluster cluster) : KafkaApi<EndTxnRequest, EndTxnResponse>(cluster)
{
    public override ApiKey Key => ApiKey.EndTxn;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<EndTxnResponse?> HandleAsync(RequestContext context, EndTxnRequest request, CancellationToken cancellationToken)
    {
        var error = Cluster.Transactions.EndTransaction(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed);
        return ValueTask.FromResult<EndTxnResponse?>(ErrorResponse(context, request, error == ErrorCode.ProducerFenced ? ErrorCode.InvalidProducerEpoch : error));
    }

    protected override EndTxnResponse ErrorResponse(RequestContext context, EndTxnRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
