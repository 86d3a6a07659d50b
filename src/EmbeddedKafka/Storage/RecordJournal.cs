using System.Buffers.Binary;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// An append-only file of checksummed records, each framed as [int32 length][uint32 CRC-32C][payload].
/// Reading stops at the first record that is short or fails its checksum: the write a crash tore.
/// A journal is compacted by rewriting it whole (atomically) from the state it replays to.
/// </summary>
internal sealed class RecordJournal : IDisposable
{
    private const int FrameHeaderSize = 8;
    private readonly AppendOnlyFile _file;

    private RecordJournal(AppendOnlyFile file) => _file = file;

    /// <summary>The intact records of the journal (none if it does not exist) and how many bytes after them were dropped.</summary>
    public static async Task<(List<byte[]> Records, long DroppedBytes)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var records = new List<byte[]>();
        var content = await AtomicFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return (records, 0);
        }

        var position = 0;
        while (content.Length - position >= FrameHeaderSize)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(position));
            var crc = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(position + 4));
            if (length < 0 || length > content.Length - position - FrameHeaderSize)
            {
                break;
            }

            var payload = content.AsSpan(position + FrameHeaderSize, length);
            if (Crc32C.Compute(payload) != crc)
            {
                break;
            }

            records.Add(payload.ToArray());
            position += FrameHeaderSize + length;
        }

        return (records, content.Length - position);
    }

    /// <summary>Replaces the journal with exactly <paramref name="records"/> and opens it for appending.</summary>
    public static RecordJournal Rewrite(string path, IEnumerable<byte[]> records)
    {
        var content = new KafkaWriter(4096);
        foreach (var record in records)
        {
            WriteFrame(content, record);
        }

        AtomicFile.Write(path, content.WrittenSpan);
        return new RecordJournal(new AppendOnlyFile(path, FileMode.Open));
    }

    /// <summary>Appends one record in a single write; callers serialise their calls.</summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        var frame = new KafkaWriter(FrameHeaderSize + payload.Length);
        WriteFrame(frame, payload);
        _file.Append(frame.WrittenSpan);
    }

    public void Dispose() => _file.Dispose();

    private static void WriteFrame(KafkaWriter writer, ReadOnlySpan<byte> payload)
    {
        writer.WriteInt32(payload.Length);
        writer.WriteUInt32(Crc32C.Compute(payload));
        writer.WriteRaw(payload);
    }
}
