namespace Outbox.Inbox;

/// <summary>What the inbox does with a record that has no valid <c>ce_id</c> header, which it could not deduplicate.</summary>
public enum MissingEventIdHandling
{
    /// <summary>Send it to the dead-letter topic with the reason (the default).</summary>
    DeadLetter = 0,

    /// <summary>Derive a stable event id from the record's topic, partition and offset, so a redelivery of that record is still skipped.</summary>
    DeriveFromPosition = 1,
}
