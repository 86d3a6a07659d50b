namespace Outbox.Inbox.Internal.Pipeline.DeadLetter;

/// <summary>Why a record goes to the dead-letter topic: a sentence for the reason header and the failure, when there was one.</summary>
internal sealed record DeadLetterReason(string Description, Exception? Exception = null, int Attempts = 0, Guid? BlockedBy = null)
{
    public static DeadLetterReason MissingEventId(string detail) => new($"missing or invalid ce_id header: {detail}");

    public static DeadLetterReason MissingType() => new("missing ce_type header");

    public static DeadLetterReason UnknownType(string typeName) => new($"unknown message type '{typeName}'");

    public static DeadLetterReason DeserializationFailed(string typeName, Exception exception) =>
        new($"payload could not be deserialized as '{typeName}'", exception);

    /// <summary>The claim-checked payload cannot be resolved; the exception's message says why (missing, altered, bad reference).</summary>
    public static DeadLetterReason ClaimCheckFailed(Exception exception) => new(exception.Message, exception);

    public static DeadLetterReason HandlerFailed(Exception exception, int attempts) =>
        new($"handler failed after {attempts} attempt{(attempts == 1 ? "" : "s")}", exception, attempts);

    public static DeadLetterReason BlockedByEarlierFailure(Guid failedEventId) =>
        new($"blocked by earlier failure of event {failedEventId}", BlockedBy: failedEventId);

    public static DeadLetterReason WaitingForReleasedEvents() =>
        new("waiting for the key's released events to be handled first");
}
