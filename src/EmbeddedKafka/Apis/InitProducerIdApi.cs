using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// InitProducerId (key 22), v0-4.
/// <list type="bullet">
/// <item>Without a transactional id: a new producer id at epoch 0 (idempotent producer).</item>
/// <item>With one: the first call gets a new producer id, later calls the same id at the next epoch,
/// fencing the previous instance; its open transaction is aborted first (markers, staged offsets dropped).
/// When the epoch is exhausted the id moves to a new producer id at epoch 0.</item>
/// <item>v3+: a request naming the current producer id and epoch bumps that epoch (KIP-360), its retry gets
/// the same answer; any other id or epoch is fenced: PRODUCER_FENCED at v4, INVALID_PRODUCER_EPOCH before.
/// For an unknown (expired) transactional id it gets a new producer id, as in Kafka.</item>
/// <item>A timeout above EmbeddedKafkaOptions.MaxTransactionTimeout gets INVALID_TRANSACTION_TIMEOUT;
/// an empty transactional id INVALID_REQUEST.</item>
/// </list>
/// </summary>
internal sealed class InitProducerIdApi(Cluster cluster) : KafkaApi<InitProducerIdRequest, InitProducerIdResponse>(cluster)
{
    public override ApiKey Key => ApiKey.InitProducerId;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    protected override ValueTask<InitProducerIdResponse?> HandleAsync(RequestContext context, InitProducerIdRequest request, CancellationToken cancellationToken)
    {
        if (request.TransactionalId is null)
        {
            var (producerId, epoch) = Cluster.Transactions.NewIdempotentProducer();
            return ValueTask.FromResult<InitProducerIdResponse?>(new InitProducerIdResponse { ProducerId = producerId, ProducerEpoch = epoch });
        }

        if (request.TransactionalId.Length == 0)
        {
            return ValueTask.FromResult<InitProducerIdResponse?>(ErrorResponse(context, request, ErrorCode.InvalidRequest));
        }

        var error = Cluster.Transactions.InitProducerId(request.TransactionalId, request.TransactionTimeoutMs, request.ProducerId, request.ProducerEpoch,
            out var newProducerId, out var newEpoch);
        if (error == ErrorCode.ProducerFenced && context.Version < 4)
        {
            error = ErrorCode.InvalidProducerEpoch;
        }

        return ValueTask.FromResult<InitProducerIdResponse?>(error == ErrorCode.None
            ? new InitProducerIdResponse { ProducerId = newProducerId, ProducerEpoch = newEpoch }
            : ErrorResponse(context, request, error));
    }

    protected override InitProducerIdResponse ErrorResponse(RequestContext context, InitProducerIdRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 };
}
