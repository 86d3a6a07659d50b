namespace Outbox.Inbox.Internal.Pipeline.Dedupe;

/// <summary>How an attempt to handle a record in the inbox transaction ended, when no handler threw.</summary>
internal enum HandlingOutcome
{
    /// <summary>The handlers ran and the inbox row committed with their changes.</summary>
    Handled,

    /// <summary>Handled, and the key has parked events that must now be produced back to the topic.</summary>
    HandledThenRelease,

    /// <summary>The consumer group already handled (or abandoned) the event; nothing ran.</summary>
    Duplicate,

    /// <summary>The key is blocked or releasing; the record must be parked.</summary>
    Blocked,

    /// <summary>The record is a redelivery of an event already parked and not yet released; nothing to do.</summary>
    AlreadyParked,
}

/// <summary>The outcome and, for <see cref="HandlingOutcome.Blocked"/>, the event blocking the key (null while releasing).</summary>
internal readonly record struct HandlingResult(HandlingOutcome Outcome, Guid? BlockedBy = null);
