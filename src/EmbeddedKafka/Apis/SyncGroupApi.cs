using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// SyncGroup (key 14), v0-3.
/// - The leader's request carries every member's assignment; followers wait until it arrives.
/// - Stable group: the member's current assignment at once.
/// - UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID (v3), ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS while members rejoin.
/// </summary>
internal sealed class SyncGroupApi(Cluster cluster) : KafkaApi<SyncGroupRequest, SyncGroupResponse>(cluster)
{
    public override ApiKey Key => ApiKey.SyncGroup;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    protected override async ValueTask<SyncGroupResponse?> HandleAsync(RequestContext context, SyncGroupRequest request, CancellationToken cancellationToken)
    {
        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var assignment in request.Assignments)
        {
            assignments[assignment.MemberId] = assignment.Assignment;
        }

        var result = await Cluster.Groups
            .Sync(request.GroupId, request.MemberId, request.GroupInstanceId, request.GenerationId, request.ProtocolType, request.ProtocolName, assignments)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SyncGroupResponse
        {
            ErrorCode = (short)result.Error,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName,
            Assignment = result.Assignment ?? [],
        };
    }

    protected override SyncGroupResponse ErrorResponse(RequestContext context, SyncGroupRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
