using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// DescribeGroups (key 15), v0-4.
/// - State (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead), protocol type, and per member its
///   id, instance id (v4), client id and host.
/// - As in Kafka, only a Stable group reports its protocol and each member's metadata and assignment bytes.
/// - An unknown group is reported Dead without an error.
/// </summary>
internal sealed class DescribeGroupsApi(Cluster cluster) : KafkaApi<DescribeGroupsRequest, DescribeGroupsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.DescribeGroups;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    protected override ValueTask<DescribeGroupsResponse?> HandleAsync(RequestContext context, DescribeGroupsRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DescribeGroupsResponse?>(new DescribeGroupsResponse
        {
            Groups = [.. request.Groups.Select(id =>
            {
                var group = Cluster.Groups.Describe(id);
                return new DescribeGroupsResponse.DescribedGroup
                {
                    GroupId = id,
                    GroupState = group.State.ToString(),
                    ProtocolType = group.ProtocolType,
                    ProtocolData = group.ProtocolName,
                    Members = [.. group.Members.Select(m => new DescribeGroupsResponse.DescribedGroupMember
                    {
                        MemberId = m.MemberId,
                        GroupInstanceId = m.GroupInstanceId,
                        ClientId = m.ClientId,
                        ClientHost = m.ClientHost,
                        MemberMetadata = m.Metadata,
                        MemberAssignment = m.Assignment,
                    })],
                };
            })],
        });

    protected override DescribeGroupsResponse ErrorResponse(RequestContext context, DescribeGroupsRequest request, ErrorCode error) => new()
    {
        Groups = [.. request.Groups.Select(id => new DescribeGroupsResponse.DescribedGroup { GroupId = id, ErrorCode = (short)error })],
    };
}
