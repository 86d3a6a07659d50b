namespace Outbox.ClaimCheck;

/// <summary>The Kafka header that marks a record whose payload is in blob storage.</summary>
public static class ClaimCheckHeaders
{
    /// <summary>
    /// Present on a claim-checked record; its value is the JSON reference (store, key, size, SHA-256),
    /// which is also the record's value, so a reader without this library still sees where the payload is.
    /// </summary>
    public const string Reference = "outbox-claim-check";
}
