namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>What a JoinGroup asks of the group, independent of the request version.</summary>
/// <param name="MemberId">Empty for a member that has no id yet.</param>
/// <param name="GroupInstanceId">The static member's instance id (v5), or null for a dynamic member.</param>
/// <param name="ClientId">The client id of the request header.</param>
/// <param name="ClientHost">The client's address.</param>
/// <param name="SessionTimeoutMs">How long the member may go without a heartbeat.</param>
/// <param name="RebalanceTimeoutMs">How long a rebalance waits for this member to rejoin.</param>
/// <param name="ProtocolType">"consumer" for consumers.</param>
/// <param name="Protocols">The assignors the member supports, in its order of preference.</param>
/// <param name="RequireKnownMemberId">KIP-394 (JoinGroup v4+): a new dynamic member first gets an id and must rejoin with it.</param>
internal sealed record JoinRequest(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    string ProtocolType,
    IReadOnlyList<MemberProtocol> Protocols,
    bool RequireKnownMemberId);
