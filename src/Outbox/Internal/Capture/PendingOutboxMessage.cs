using System.Diagnostics;

namespace Outbox.Internal.Capture;

/// <summary>A message added to the outbox and not yet captured by <c>SaveChanges</c>.</summary>
internal sealed record PendingOutboxMessage(
    object Message,
    Type MessageType,
    string Key,
    OutboxMessageOptions? Options,
    Guid EventId,
    DateTimeOffset CreatedAt,
    ActivityContext TraceContext,
    string? TraceState,
    OutboxMessageFactory Factory);
