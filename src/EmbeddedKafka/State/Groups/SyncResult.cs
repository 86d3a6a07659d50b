using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>The answer to a SyncGroup: the member's assignment, as the leader wrote it.</summary>
internal sealed record SyncResult(ErrorCode Error, string? ProtocolType = null, string? ProtocolName = null, byte[]? Assignment = null);
