using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// DeleteGroups (key 42), v0-1.
/// - Deletes groups without members together with their committed offsets; NON_EMPTY_GROUP while members
///   remain, GROUP_ID_NOT_FOUND for unknown groups.
/// </summary>
internal sealed class DeleteGroupsApi(Cluster cluster) : KafkaApi<DeleteGroupsRequest, DeleteGroupsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.DeleteGroups;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<DeleteGroupsResponse?> HandleAsync(RequestContext context, DeleteGroupsRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DeleteGroupsResponse?>(new DeleteGroupsResponse
        {
            Results = [.. request.GroupsNames.Select(id => new DeleteGroupsResponse.DeletableGroupResult
            {
                GroupId = id,
                ErrorCode = (short)Cluster.Groups.DeleteGroup(id),
            })],
        });

    protected override DeleteGroupsResponse ErrorResponse(RequestContext context, DeleteGroupsRequest request, ErrorCode error) => new()
    {
        Results = [.. request.GroupsNames.Select(id => new DeleteGroupsResponse.DeletableGroupResult { GroupId = id, ErrorCode = (short)error })],
    };
}
