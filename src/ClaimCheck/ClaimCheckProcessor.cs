using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck.Internal;

namespace Outbox.ClaimCheck;

/// <summary>
/// Moves large payloads to the store on the way out and brings them back on the way in. The relay,
/// the Inbox and transactional pipelines call it; a payload at or under the threshold passes through
/// untouched, with no allocation.
/// </summary>
public sealed class ClaimCheckProcessor
{
    private readonly IClaimCheckStore _store;
    private readonly ClaimCheckOptions _options;

    /// <summary>Creates a processor writing to <paramref name="store"/>.</summary>
    /// <param name="store">Where payloads go.</param>
    /// <param name="options">The threshold.</param>
    public ClaimCheckProcessor(IClaimCheckStore store, IOptions<ClaimCheckOptions> options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        if (_options.Validate() is { } error)
        {
            throw new OptionsValidationException(nameof(ClaimCheckOptions), typeof(ClaimCheckOptions), [error]);
        }
    }

    /// <summary>
    /// Returns the record value to publish: the payload itself when small, otherwise a reference to a
    /// blob written (idempotently, keyed by <paramref name="eventId"/>) before this returns.
    /// </summary>
    /// <param name="eventId">The message's unique event id.</param>
    /// <param name="payload">The serialized message.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The value to publish and, when claim-checked, the value of <see cref="ClaimCheckHeaders.Reference"/>.</returns>
    public async ValueTask<ClaimCheckedPayload> CheckInAsync(Guid eventId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length <= _options.ThresholdBytes)
        {
            return new ClaimCheckedPayload(payload, null);
        }

        var key = ClaimCheckKey.ForEvent(eventId);
        await _store.PutAsync(key, payload, cancellationToken).ConfigureAwait(false);
        var reference = new ClaimCheckReference(_store.Name, key, payload.Length, SHA256.HashData(payload.Span)).ToJson();
        return new ClaimCheckedPayload(reference, reference);
    }

    /// <summary>
    /// Returns the original payload of a consumed record: its value when the record carries no reference,
    /// otherwise the blob, checked against the reference's size and SHA-256.
    /// </summary>
    /// <param name="referenceHeader">The value of <see cref="ClaimCheckHeaders.Reference"/>, or null.</param>
    /// <param name="value">The record value.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ClaimCheckException">The reference is invalid, names another store, or the blob is missing or altered.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> CheckOutAsync(ReadOnlyMemory<byte>? referenceHeader, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        if (referenceHeader is not { } header)
        {
            return value;
        }

        var reference = ClaimCheckReference.Parse(header.Span);
        if (!string.Equals(reference.Store, _store.Name, StringComparison.Ordinal))
        {
            throw new ClaimCheckException($"The payload is in store '{reference.Store}', but this consumer reads store '{_store.Name}'.");
        }

        var blob = await _store.GetAsync(reference.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new ClaimCheckException($"The claim-checked payload {reference.Key} is missing from store '{_store.Name}' (deleted by retention, or never written).");
        if (blob.LongLength != reference.Size || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(blob), reference.Sha256))
        {
            throw new ClaimCheckException($"The claim-checked payload {reference.Key} does not match its reference (size or SHA-256 differs): it was altered.");
        }

        return blob;
    }
}
