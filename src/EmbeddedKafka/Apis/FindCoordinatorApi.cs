using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// FindCoordinator (key 10), v0-2.
/// - Group (key type 0) and transaction (key type 1, v1+) coordinators are this node.
/// - Any other key type: INVALID_REQUEST.
/// </summary>
internal sealed class FindCoordinatorApi(Cluster cluster) : KafkaApi<FindCoordinatorRequest, FindCoordinatorResponse>(cluster)
{
    private const sbyte GroupKey = 0;
    private const sbyte TransactionKey = 1;

    public override ApiKey Key => ApiKey.FindCoordinator;

    public override short MinVersion => 0;

    public override short MaxVersion => 2;

    protected override ValueTask<FindCoordinatorResponse?> HandleAsync(RequestContext context, FindCoordinatorRequest request, CancellationToken cancellationToken)
    {
        if (request.KeyType is not (GroupKey or TransactionKey))
        {
            return ValueTask.FromResult<FindCoordinatorResponse?>(ErrorResponse(context, request, ErrorCode.InvalidRequest));
        }

        return ValueTask.FromResult<FindCoordinatorResponse?>(new FindCoordinatorResponse
        {
            ErrorMessage = null,
            NodeId = Cluster.NodeId,
            Host = Cluster.AdvertisedHost,
            Port = Cluster.AdvertisedPort,
        });
    }

    protected override FindCoordinatorResponse ErrorResponse(RequestContext context, FindCoordinatorRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error, ErrorMessage = null, NodeId = -1, Host = "", Port = -1 };
}
