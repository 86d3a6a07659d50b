using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// Walks the batches of a segment file and stops at the first one that cannot be trusted: too short
/// for its header or its length, not magic 2, a CRC-32C that does not match, or an offset that does
/// not move forward. Everything from there on is a torn tail (or damage) and must be cut off.
/// </summary>
internal static class SegmentScan
{
    /// <summary>
    /// The number of leading bytes of <paramref name="segment"/> holding valid batches, each handed to
    /// <paramref name="restore"/>; <paramref name="nextOffset"/> is the lowest acceptable base offset and advances.
    /// </summary>
    public static int ValidPrefix(ReadOnlySpan<byte> segment, ref long nextOffset, RestoreBatch restore)
    {
        var position = 0;
        while (segment.Length - position >= RecordBatchHeader.Size)
        {
            var rest = segment[position..];
            var header = RecordBatchHeader.Read(rest);
            if (header.Magic != 2
                || header.BatchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead
                || header.TotalSize > rest.Length
                || header.BaseOffset < nextOffset
                || header.LastOffsetDelta < 0
                || (header.IsControl && header.TotalSize < RecordBatchHeader.Size + 9)
                || Crc32C.Compute(rest[RecordBatchHeader.AttributesOffset..header.TotalSize]) != header.Crc)
            {
                break;
            }

            restore(rest[..header.TotalSize]);
            nextOffset = header.BaseOffset + header.LastOffsetDelta + 1;
            position += header.TotalSize;
        }

        return position;
    }

    /// <summary>Receives one validated batch.</summary>
    public delegate void RestoreBatch(ReadOnlySpan<byte> batch);
}
