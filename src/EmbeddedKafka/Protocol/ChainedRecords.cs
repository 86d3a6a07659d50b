using System.Buffers;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>
/// Record batches that a response carries back to back, as one memory whose parts stay where they
/// are. A <see cref="KafkaWriter"/> that references large records writes the parts by reference, so a
/// fetch of several stored batches leaves in one gather write instead of being copied into a new
/// array first. Anything else that reads the memory gets one joined copy, made when first asked for.
/// </summary>
internal sealed class ChainedRecords : MemoryManager<byte>
{
    private readonly int _length;
    private byte[]? _joined;

    private ChainedRecords(IReadOnlyList<ReadOnlyMemory<byte>> parts, int length)
    {
        Parts = parts;
        _length = length;
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> Parts { get; }

    public override Memory<byte> Memory => CreateMemory(_length);

    /// <summary>The parts as one record set; a single part is returned as it is.</summary>
    public static ReadOnlyMemory<byte> Of(IReadOnlyList<ReadOnlyMemory<byte>> parts) =>
        parts.Count == 1 ? parts[0] : new ChainedRecords(parts, parts.Sum(p => p.Length)).Memory;

    public override Span<byte> GetSpan() => Joined();

    public override MemoryHandle Pin(int elementIndex = 0) => Joined().AsMemory(elementIndex).Pin();

    public override void Unpin()
    {
        // Pin hands out the joined array's own handle.
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing is owned: the parts belong to the log.
    }

    private byte[] Joined()
    {
        if (_joined is null)
        {
            var joined = new byte[_length];
            var at = 0;
            foreach (var part in Parts)
            {
                part.Span.CopyTo(joined.AsSpan(at));
                at += part.Length;
            }

            _joined = joined;
        }

        return _joined;
    }
}
