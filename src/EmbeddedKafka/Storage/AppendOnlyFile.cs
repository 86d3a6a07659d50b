namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// A file only ever appended to, one whole unit per write. Writes are unbuffered: once
/// <see cref="Append"/> returns, the bytes are with the operating system and survive the process
/// being killed (not a power loss: that needs <see cref="FlushToDisk"/>, which the broker calls when a
/// file is closed or rolled). A failed write is cut back off; if even that fails the file refuses
/// further writes, so nothing is ever appended after a torn unit.
/// </summary>
internal sealed class AppendOnlyFile : IDisposable
{
    private readonly FileStream _stream;
    private long _length;
    private bool _broken;

    public AppendOnlyFile(string path, FileMode mode)
    {
        Path = path;
        _stream = new FileStream(path, mode, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        _length = _stream.Seek(0, SeekOrigin.End);
    }

    public string Path { get; }

    public long Length => _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_broken)
        {
            throw new IOException($"{Path} failed an earlier write and could not be repaired; it accepts no more writes.");
        }

        try
        {
            _stream.Write(data);
            _length += data.Length;
        }
        catch
        {
            try
            {
                _stream.SetLength(_length);
                _stream.Seek(_length, SeekOrigin.Begin);
            }
            catch (IOException)
            {
                _broken = true;
            }

            throw;
        }
    }

    public void FlushToDisk() => _stream.Flush(flushToDisk: true);

    public void Dispose()
    {
        try
        {
            if (!_broken)
            {
                FlushToDisk();
            }
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
