using System.Buffers.Binary;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>
/// The fixed 61-byte header of a record batch (magic 2). The broker stores batches as the client
/// sent them and never decompresses: the header alone gives offsets, producer and transaction data.
/// </summary>
internal readonly record struct RecordBatchHeader(
    long BaseOffset,
    int BatchLength,
    int PartitionLeaderEpoch,
    sbyte Magic,
    uint Crc,
    short Attributes,
    int LastOffsetDelta,
    long BaseTimestamp,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    int RecordCount)
{
    public const int Size = 61;

    /// <summary>Bytes before the batch-length field's coverage starts: baseOffset + batchLength.</summary>
    public const int LogOverhead = 12;

    public const int CrcOffset = 17;

    public const int AttributesOffset = 21;

    public const short CompressionMask = 0x07;

    public const short TimestampTypeFlag = 0x08;

    public const short TransactionalFlag = 0x10;

    public const short ControlFlag = 0x20;

    public int TotalSize => LogOverhead + BatchLength;

    public bool IsTransactional => (Attributes & TransactionalFlag) != 0;

    public bool IsControl => (Attributes & ControlFlag) != 0;

    public int Compression => Attributes & CompressionMask;

    public int LastSequence => BaseSequence < 0 ? -1 : unchecked((int)(((long)BaseSequence + LastOffsetDelta) % ((long)int.MaxValue + 1)));

    public static RecordBatchHeader Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadInt64BigEndian(b),
        BinaryPrimitives.ReadInt32BigEndian(b[8..]),
        BinaryPrimitives.ReadInt32BigEndian(b[12..]),
        (sbyte)b[16],
        BinaryPrimitives.ReadUInt32BigEndian(b[17..]),
        BinaryPrimitives.ReadInt16BigEndian(b[21..]),
        BinaryPrimitives.ReadInt32BigEndian(b[23..]),
        BinaryPrimitives.ReadInt64BigEndian(b[27..]),
        BinaryPrimitives.ReadInt64BigEndian(b[35..]),
        BinaryPrimitives.ReadInt64BigEndian(b[43..]),
        BinaryPrimitives.ReadInt16BigEndian(b[51..]),
        BinaryPrimitives.ReadInt32BigEndian(b[53..]),
        BinaryPrimitives.ReadInt32BigEndian(b[57..]));

    /// <summary>
    /// Splits a produced record set into batches and validates each one as Apache Kafka does:
    /// complete, magic 2, CRC-32C, no client-written control batches, a known codec, sane counts.
    /// </summary>
    public static ErrorCode TryReadAll(ReadOnlySpan<byte> records, List<(int Offset, RecordBatchHeader Header)> batches)
    {
        var position = 0;
        while (position < records.Length)
        {
            var rest = records[position..];
            if (rest.Length < Size)
            {
                return ErrorCode.CorruptMessage;
            }

            var header = Read(rest);
            if (header.Magic != 2)
            {
                return ErrorCode.UnsupportedForMessageFormat;
            }

            if (header.BatchLength < Size - LogOverhead || header.TotalSize > rest.Length)
            {
                return ErrorCode.CorruptMessage;
            }

            var covered = rest[AttributesOffset..header.TotalSize];
            if (Crc32C.Compute(covered) != header.Crc)
            {
                return ErrorCode.CorruptMessage;
            }

            if (header.IsControl || header.Compression > 4 || header.RecordCount <= 0 || header.LastOffsetDelta != header.RecordCount - 1)
            {
                return ErrorCode.InvalidRecord;
            }

            batches.Add((position, header));
            position += header.TotalSize;
        }

        return batches.Count == 0 ? ErrorCode.InvalidRecord : ErrorCode.None;
    }
}
