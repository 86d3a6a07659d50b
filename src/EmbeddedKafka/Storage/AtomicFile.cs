namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// Replaces a small file all at once: write a temporary file, flush it to disk, rename it over the
/// old one. A crash leaves either the old or the new content, never a mix.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's content, or null when it does not exist; a leftover temporary file from a crash is removed.</summary>
    public static async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        File.Delete(path + ".tmp");
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }
}
