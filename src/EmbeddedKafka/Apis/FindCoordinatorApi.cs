using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// FindCoordinator (key 10), v0-2.
/// <list type="bullet">
/// <item>This node coordinates every group (key type 0) and every transactional id (key type 1, v1+).</item>
/// <item>An empty transactional id or another key type gets INVALID_REQUEST.</item>
/// </list>
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
        var valid = request.KeyType == GroupKey || (request.KeyType == TransactionKey && request.Key.Length > 0);
        return ValueTask.FromResult<FindCoordinatorResponse?>(valid
            ? new FindCoordinatorResponse { NodeId = Cluster.NodeId, Host = Cluster.AdvertisedHost, Port = Cluster.AdvertisedPort, ErrorMessage = null }
            : ErrorResponse(context, request, ErrorCode.InvalidRequest));
    }

    protected override FindCoordinatorResponse ErrorResponse(RequestContext context, FindCoordinatorRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error, ErrorMessage = null, NodeId = -1, Host = "", Port = -1 };
}
