namespace Outbox.ClaimCheck;

/// <summary>
/// Blob storage for claim-checked payloads. Keys come from <see cref="ClaimCheckKey"/>, so a store never
/// sees a path or name chosen by a message; writes are idempotent (the same key always holds the same bytes).
/// </summary>
public interface IClaimCheckStore
{
    /// <summary>The name recorded in references, so a consumer knows which store holds the payload.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="content"/> under <paramref name="key"/>, replacing what is there.</summary>
    /// <param name="key">Where to write.</param>
    /// <param name="content">The payload.</param>
    /// <param name="cancellationToken">Cancels the write; a cancelled write leaves no partial blob.</param>
    /// <returns>A task that completes once the blob is durable in the store.</returns>
    Task PutAsync(ClaimCheckKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Reads the blob under <paramref name="key"/>, or null when there is none.</summary>
    /// <param name="key">What to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The blob's bytes, or null.</returns>
    Task<byte[]?> GetAsync(ClaimCheckKey key, CancellationToken cancellationToken);

    /// <summary>Deletes every blob last written before <paramref name="cutoff"/>.</summary>
    /// <param name="cutoff">Blobs older than this go.</param>
    /// <param name="cancellationToken">Cancels the sweep; what was deleted stays deleted.</param>
    /// <returns>How many blobs were deleted.</returns>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
