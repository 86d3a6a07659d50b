using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// InitProducerId (key 22), v0-4. Without a transactional id: a new producer id at epoch 0 (idempotent producer).
/// </summary>
internal sealed class InitProducerIdApi(Cluster cluster) : KafkaApi<InitProducerIdRequest, InitProducerIdResponse>(cluster)
{
    public override ApiKey Key => ApiKey.InitProducerId;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    protected override ValueTask<InitProducerIdResponse?> HandleAsync(RequestContext context, InitProducerIdRequest request, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.TransactionalId))
        {
            return ValueTask.FromResult<InitProducerIdResponse?>(ErrorResponse(context, request, ErrorCode.TransactionalIdAuthorizationFailed));
        }

        var (producerId, epoch) = Cluster.Transactions.NewIdempotentProducer();
        return ValueTask.FromResult<InitProducerIdResponse?>(new InitProducerIdResponse { ProducerId = producerId, ProducerEpoch = epoch });
    }

    protected override InitProducerIdResponse ErrorResponse(RequestContext context, InitProducerIdRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 };
}
