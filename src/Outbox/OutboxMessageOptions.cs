namespace Outbox;

/// <summary>Per-message settings for <see cref="IOutbox.Add{TMessage}(TMessage, string, OutboxMessageOptions?)"/>.</summary>
public sealed class OutboxMessageOptions
{
    /// <summary>The conversation or business process the message belongs to.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message that caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>The topic, overriding the one configured for the message type.</summary>
    public string? Topic { get; init; }
}
