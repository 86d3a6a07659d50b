using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>The answer to a JoinGroup; only the leader's answer lists the members.</summary>
internal sealed record JoinResult(
    ErrorCode Error,
    string MemberId,
    int GenerationId = -1,
    string? ProtocolType = null,
    string? ProtocolName = null,
    string LeaderId = "",
    IReadOnlyList<JoinedMember>? Members = null);

/// <summary>A member as the leader sees it: its metadata for the selected protocol.</summary>
internal sealed record JoinedMember(string MemberId, string? GroupInstanceId, byte[] Metadata);
