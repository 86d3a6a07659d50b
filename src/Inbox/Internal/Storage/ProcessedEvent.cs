namespace Outbox.Inbox.Internal.Storage;

/// <summary>An inbox row: the event was handled (or abandoned by an operator) by the consumer group, so a redelivery is skipped.</summary>
internal sealed class ProcessedEvent
{
    public required string ConsumerGroup { get; init; }

    public required Guid EventId { get; init; }

    public required DateTime ProcessedAt { get; init; }

    /// <summary>True when an operator marked the event as never to be processed.</summary>
    public bool Abandoned { get; init; }
}
