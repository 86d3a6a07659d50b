namespace Outbox.Inbox.Internal.Storage;

/// <summary>An event held back because its key was blocked; a copy sits in the dead-letter topic until it is released.</summary>
internal sealed class ParkedEvent
{
    public required string ConsumerGroup { get; init; }

    public required Guid EventId { get; init; }

    public required string Topic { get; init; }

    public required string Key { get; init; }

    /// <summary>The order in which the key's parked events are released.</summary>
    public required long Sequence { get; init; }

    public required int DeadLetterPartition { get; set; }

    public required long DeadLetterOffset { get; set; }

    /// <summary>True once the event was produced back to its topic; it is deleted when handled there.</summary>
    public bool Released { get; set; }

    public required DateTime ParkedAt { get; set; }
}
