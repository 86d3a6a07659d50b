using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// Heartbeat (key 12), v0-3.
/// - Keeps the member's session alive. Stable or completing: no error; rebalancing: REBALANCE_IN_PROGRESS
///   (the member must rejoin); ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID (v3).
/// </summary>
internal sealed class HeartbeatApi(Cluster cluster) : KafkaApi<HeartbeatRequest, HeartbeatResponse>(cluster)
{
    public override ApiKey Key => ApiKey.Heartbeat;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    protected override ValueTask<HeartbeatResponse?> HandleAsync(RequestContext context, HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var error = Cluster.Groups.Heartbeat(request.GroupId, request.MemberId, request.GroupInstanceId, request.GenerationId);
        return ValueTask.FromResult<HeartbeatResponse?>(new HeartbeatResponse { ErrorCode = (short)error });
    }

    protected override HeartbeatResponse ErrorResponse(RequestContext context, HeartbeatRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
