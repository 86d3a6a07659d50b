namespace Outbox.Internal.Capture;

/// <summary>A serialized outbox row waiting for its transaction to commit.</summary>
internal sealed record CapturedOutboxMessage(
    int Lane,
    string Topic,
    string Key,
    Guid EventId,
    string MessageType,
    string Headers,
    byte[] Payload,
    DateTime CreatedAt,
    RelaySignal Signal);
