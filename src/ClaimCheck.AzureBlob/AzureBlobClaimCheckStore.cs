using Azure;
using Azure.Storage.Blobs;

namespace Outbox.ClaimCheck.AzureBlob;

/// <summary>
/// Keeps payloads as block blobs in one Azure Blob Storage container, named by their key. Credentials
/// stay inside the <see cref="BlobContainerClient"/>: they never reach references, headers or logs.
/// </summary>
public sealed class AzureBlobClaimCheckStore : IClaimCheckStore
{
    private readonly BlobContainerClient _container;

    /// <summary>Creates a store on <paramref name="container"/>, which must exist (see <see cref="CreateContainerIfNotExistsAsync"/>).</summary>
    /// <param name="container">The container client, with its credentials.</param>
    /// <param name="name">The store name recorded in references. Default <c>azure</c>.</param>
    public AzureBlobClaimCheckStore(BlobContainerClient container, string name = "azure")
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _container = container;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Creates the container when it does not exist yet.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the container exists.</returns>
    public async Task CreateContainerIfNotExistsAsync(CancellationToken cancellationToken) =>
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task PutAsync(ClaimCheckKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(key.ToString()).UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(ClaimCheckKey key, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _container.GetBlobClient(key.ToString()).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var blob in _container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (ClaimCheckKey.TryParse(blob.Name, out _) && blob.Properties.LastModified < cutoff
                && await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }
}
