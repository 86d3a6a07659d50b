using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// ListGroups (key 16), v0-4.
/// - Every group this coordinator knows, including groups that only have committed offsets (Empty, no protocol type).
/// - v4: StatesFilter keeps groups in the named states (case-insensitive); empty means all.
/// </summary>
internal sealed class ListGroupsApi(Cluster cluster) : KafkaApi<ListGroupsRequest, ListGroupsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.ListGroups;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    protected override ValueTask<ListGroupsResponse?> HandleAsync(RequestContext context, ListGroupsRequest request, CancellationToken cancellationToken)
    {
        var states = request.StatesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return ValueTask.FromResult<ListGroupsResponse?>(new ListGroupsResponse
        {
            Groups = [.. Cluster.Groups.ListGroups()
                .Where(g => states.Count == 0 || states.Contains(g.State.ToString()))
                .Select(g => new ListGroupsResponse.ListedGroup { GroupId = g.GroupId, ProtocolType = g.ProtocolType, GroupState = g.State.ToString() })],
        });
    }

    protected override ListGroupsResponse ErrorResponse(RequestContext context, ListGroupsRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
