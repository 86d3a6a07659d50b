namespace Outbox.Transactions.Internal.Processing;

/// <summary>The values of the <c>dlt-reason</c> header this package writes; the same words as the Inbox.</summary>
internal static class DeadLetterReason
{
    /// <summary>The record lacks a valid CloudEvents envelope (no or malformed <c>ce_id</c>, <c>ce_type</c>, <c>ce_time</c>).</summary>
    public const string InvalidEnvelope = "invalid-envelope";

    /// <summary>The <c>ce_type</c> is not registered, or names a class the pipeline's handler does not accept.</summary>
    public const string UnknownMessageType = "unknown-message-type";

    /// <summary>The payload could not be deserialized into the registered class.</summary>
    public const string DeserializationFailed = "deserialization-failed";

    /// <summary>The claim-checked payload cannot be resolved; the header goes on with the claim check's reason (missing, altered, bad reference).</summary>
    public const string ClaimCheckFailed = "claim-check-failed";

    /// <summary>The handler threw on every attempt.</summary>
    public const string HandlerFailed = "handler-failed";
}
