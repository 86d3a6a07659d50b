using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Outbox.ClaimCheck.S3;

/// <summary>
/// Keeps payloads as objects in one Amazon S3 (or S3-compatible) bucket, named by their key under an
/// optional prefix. Credentials stay inside the <see cref="IAmazonS3"/> client: they never reach
/// references, headers or logs.
/// </summary>
public sealed class S3ClaimCheckStore : IClaimCheckStore
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _prefix;

    /// <summary>Creates a store on <paramref name="bucket"/>.</summary>
    /// <param name="s3">The S3 client, with its credentials and region or service URL.</param>
    /// <param name="bucket">The bucket, which must exist.</param>
    /// <param name="prefix">A key prefix such as <c>claims/</c>; empty for none.</param>
    /// <param name="name">The store name recorded in references. Default <c>s3</c>.</param>
    public S3ClaimCheckStore(IAmazonS3 s3, string bucket, string prefix = "", string name = "s3")
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _s3 = s3;
        _bucket = bucket;
        _prefix = prefix;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task PutAsync(ClaimCheckKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + key,
            InputStream = body,
            AutoCloseStream = false,
            // The payload is in memory: sign it whole rather than in aws-chunked streaming form,
            // which S3-compatible servers do not all understand.
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(ClaimCheckKey key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(_bucket, _prefix + key, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix };
        ListObjectsV2Response page;
        do
        {
            page = await _s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                if (ClaimCheckKey.TryParse(item.Key[_prefix.Length..], out _) && item.LastModified is { } modified && modified.ToUniversalTime() < cutoff.UtcDateTime)
                {
                    await _s3.DeleteObjectAsync(_bucket, item.Key, cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return deleted;
    }
}
