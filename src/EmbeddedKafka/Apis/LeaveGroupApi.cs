using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// LeaveGroup (key 13), v0-3.
/// - v0-2: one member; its error is the response's error. v3: a batch of members by member id or, with an
///   empty member id, by group instance id (admin removal of static members); one error per member.
/// - Removing a member starts a rebalance for the others.
/// </summary>
internal sealed class LeaveGroupApi(Cluster cluster) : KafkaApi<LeaveGroupRequest, LeaveGroupResponse>(cluster)
{
    public override ApiKey Key => ApiKey.LeaveGroup;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    protected override ValueTask<LeaveGroupResponse?> HandleAsync(RequestContext context, LeaveGroupRequest request, CancellationToken cancellationToken)
    {
        if (context.Version < 3)
        {
            var error = Cluster.Groups.Leave(request.GroupId, [(request.MemberId, null)])[0];
            return ValueTask.FromResult<LeaveGroupResponse?>(new LeaveGroupResponse { ErrorCode = (short)error });
        }

        var errors = Cluster.Groups.Leave(request.GroupId, [.. request.Members.Select(m => (m.MemberId, m.GroupInstanceId))]);
        return ValueTask.FromResult<LeaveGroupResponse?>(new LeaveGroupResponse
        {
            Members = [.. request.Members.Zip(errors).Select(m => new LeaveGroupResponse.MemberResponse
            {
                MemberId = m.First.MemberId,
                GroupInstanceId = m.First.GroupInstanceId,
                ErrorCode = (short)m.Second,
            })],
        });
    }

    protected override LeaveGroupResponse ErrorResponse(RequestContext context, LeaveGroupRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
