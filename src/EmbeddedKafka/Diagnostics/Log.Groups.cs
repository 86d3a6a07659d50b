using Microsoft.Extensions.Logging;

namespace Outbox.EmbeddedKafka;

/// <summary>Consumer group events (3000s).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Debug, "Group {GroupId}: member {MemberId} (client {ClientId}) joined")]
    public static partial void MemberJoined(ILogger logger, string groupId, string memberId, string clientId);

    [LoggerMessage(3001, LogLevel.Information, "Group {GroupId}: member {MemberId} removed: {Reason}")]
    public static partial void MemberRemoved(ILogger logger, string groupId, string memberId, string reason);

    [LoggerMessage(3002, LogLevel.Debug, "Group {GroupId}: static member {GroupInstanceId} replaced {OldMemberId} by {NewMemberId}")]
    public static partial void StaticMemberReplaced(ILogger logger, string groupId, string groupInstanceId, string oldMemberId, string newMemberId);

    [LoggerMessage(3003, LogLevel.Debug, "Group {GroupId}: rebalance after generation {GenerationId}: {Reason}")]
    public static partial void RebalanceStarted(ILogger logger, string groupId, int generationId, string reason);

    [LoggerMessage(3004, LogLevel.Information, "Group {GroupId}: generation {GenerationId} with {MemberCount} members, protocol {ProtocolName}, leader {LeaderId}")]
    public static partial void RebalanceCompleted(ILogger logger, string groupId, int generationId, int memberCount, string protocolName, string leaderId);

    [LoggerMessage(3005, LogLevel.Debug, "Group {GroupId}: generation {GenerationId} stable with {MemberCount} members")]
    public static partial void GroupStable(ILogger logger, string groupId, int generationId, int memberCount);

    [LoggerMessage(3006, LogLevel.Information, "Group {GroupId}: empty at generation {GenerationId}")]
    public static partial void GroupEmpty(ILogger logger, string groupId, int generationId);

    [LoggerMessage(3007, LogLevel.Information, "Group {GroupId} deleted")]
    public static partial void GroupDeleted(ILogger logger, string groupId);
}
