using System.Diagnostics.CodeAnalysis;

namespace Outbox.ClaimCheck;

/// <summary>
/// The key of a claim-checked payload: derived from the message's event id, so a retried publish rewrites
/// the same blob instead of adding a second one. Its text form is 32 lowercase hex digits and nothing
/// else, which is what makes a key from a (possibly hostile) record safe to use as a path or blob name.
/// </summary>
public readonly record struct ClaimCheckKey
{
    private ClaimCheckKey(Guid eventId) => EventId = eventId;

    /// <summary>The event id the key is derived from.</summary>
    public Guid EventId { get; }

    /// <summary>The key of the payload of event <paramref name="eventId"/>.</summary>
    /// <param name="eventId">The message's unique event id.</param>
    /// <returns>The key.</returns>
    public static ClaimCheckKey ForEvent(Guid eventId) =>
        eventId == Guid.Empty ? throw new ArgumentException("A claim-check key needs a non-empty event id.", nameof(eventId)) : new(eventId);

    /// <summary>Parses a key's text form; anything but 32 lowercase hex digits is refused.</summary>
    /// <param name="text">The text.</param>
    /// <param name="key">The key, when valid.</param>
    /// <returns>Whether <paramref name="text"/> is a valid key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ClaimCheckKey key)
    {
        key = default;
        if (text is not { Length: 32 } || !text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            || !Guid.TryParseExact(text, "N", out var id) || id == Guid.Empty)
        {
            return false;
        }

        key = new ClaimCheckKey(id);
        return true;
    }

    /// <summary>32 lowercase hex digits.</summary>
    /// <returns>The key's text form.</returns>
    public override string ToString() => EventId.ToString("N");
}
