namespace Outbox.ClaimCheck.Stores;

/// <summary>
/// Keeps payloads as files under one root directory: the embedded default and the demo's store.
/// Paths are built only from <see cref="ClaimCheckKey"/> text (hex digits), checked to stay under the
/// root, and symbolic links are refused, so no reference can make the store read or write elsewhere.
/// Writes go to a temporary file that is renamed into place, so a crash or cancellation never leaves a
/// partial blob.
/// </summary>
public sealed class FileSystemClaimCheckStore : IClaimCheckStore
{
    private readonly string _root;

    /// <summary>Creates a store under <paramref name="rootDirectory"/> (created when missing).</summary>
    /// <param name="rootDirectory">The directory that holds every blob.</param>
    /// <param name="name">The store name recorded in references. Default <c>fs</c>.</param>
    public FileSystemClaimCheckStore(string rootDirectory, string name = "fs")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        Directory.CreateDirectory(_root);
        if (new DirectoryInfo(_root).LinkTarget is not null)
        {
            throw new ArgumentException($"The claim-check root '{_root}' is a symbolic link; give the real directory.", nameof(rootDirectory));
        }

        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task PutAsync(ClaimCheckKey key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key, forWrite: true);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(ClaimCheckKey key, CancellationToken cancellationToken)
    {
        var path = PathOf(key, forWrite: false);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return null;
        }

        if (file.LinkTarget is not null)
        {
            throw new ClaimCheckException($"The claim-check blob {key} is a symbolic link; refusing to follow it.");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var directory in new DirectoryInfo(_root).EnumerateDirectories())
        {
            if (directory.LinkTarget is not null)
            {
                continue;
            }

            foreach (var file in directory.EnumerateFiles())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (file.LinkTarget is null && file.LastWriteTimeUtc < cutoff.UtcDateTime)
                {
                    file.Delete();
                    deleted++;
                }
            }
        }

        return Task.FromResult(deleted);
    }

    private string PathOf(ClaimCheckKey key, bool forWrite)
    {
        var name = key.ToString();
        var directory = Path.Combine(_root, name[..2]);
        var path = Path.GetFullPath(Path.Combine(directory, name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ClaimCheckException($"The claim-check key {name} resolves outside the store root.");
        }

        var directoryInfo = new DirectoryInfo(directory);
        if (directoryInfo.Exists && directoryInfo.LinkTarget is not null)
        {
            throw new ClaimCheckException($"The claim-check directory for {name} is a symbolic link; refusing to follow it.");
        }

        if (forWrite)
        {
            Directory.CreateDirectory(directory);
        }

        return path;
    }
}
