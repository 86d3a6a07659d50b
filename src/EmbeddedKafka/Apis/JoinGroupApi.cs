using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;
using Outbox.EmbeddedKafka.State.Groups;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// JoinGroup (key 11), v0-5.
/// - The answer waits until the rebalance completes: every known member rejoined, or the largest rebalance
///   timeout passed; a new group first waits GroupInitialRebalanceDelay for more members.
/// - INVALID_SESSION_TIMEOUT outside GroupMinSessionTimeout..GroupMaxSessionTimeout; INCONSISTENT_GROUP_PROTOCOL
///   when the protocol type differs or no protocol is shared with the members.
/// - v4+: a new dynamic member gets MEMBER_ID_REQUIRED with its id and rejoins with it (KIP-394).
/// - v5: static membership (group.instance.id); a new instance takes over and fences the old member id.
/// - v0 has no rebalance timeout: the session timeout stands in for it, as in Kafka.
/// </summary>
internal sealed class JoinGroupApi(Cluster cluster) : KafkaApi<JoinGroupRequest, JoinGroupResponse>(cluster)
{
    public override ApiKey Key => ApiKey.JoinGroup;

    public override short MinVersion => 0;

    public override short MaxVersion => 5;

    protected override async ValueTask<JoinGroupResponse?> HandleAsync(RequestContext context, JoinGroupRequest request, CancellationToken cancellationToken)
    {
        if (request.GroupId.Length == 0)
        {
            return ErrorResponse(context, request, ErrorCode.InvalidGroupId);
        }

        var options = Cluster.Options;
        if (request.SessionTimeoutMs < options.GroupMinSessionTimeout.TotalMilliseconds || request.SessionTimeoutMs > options.GroupMaxSessionTimeout.TotalMilliseconds)
        {
            return ErrorResponse(context, request, ErrorCode.InvalidSessionTimeout);
        }

        var join = new JoinRequest(
            request.MemberId,
            request.GroupInstanceId,
            context.ClientId ?? "",
            context.ClientHost,
            request.SessionTimeoutMs,
            context.Version == 0 ? request.SessionTimeoutMs : request.RebalanceTimeoutMs,
            request.ProtocolType,
            [.. request.Protocols.Select(p => new MemberProtocol(p.Name, p.Metadata))],
            RequireKnownMemberId: context.Version >= 4);
        var result = await Cluster.Groups.Join(request.GroupId, join).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new JoinGroupResponse
        {
            ErrorCode = (short)result.Error,
            GenerationId = result.GenerationId,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName ?? "",
            Leader = result.LeaderId,
            MemberId = result.MemberId,
            Members = [.. (result.Members ?? []).Select(m => new JoinGroupResponse.JoinGroupResponseMember
            {
                MemberId = m.MemberId,
                GroupInstanceId = m.GroupInstanceId,
                Metadata = m.Metadata,
            })],
        };
    }

    protected override JoinGroupResponse ErrorResponse(RequestContext context, JoinGroupRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error, GenerationId = -1, ProtocolName = "", Leader = "", MemberId = request.MemberId };
}
