using System.Buffers.Binary;
using System.Text;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Tests.Persistence;

/// <summary>Builds record batches (v2, uncompressed) as a producer sends them, for tests that append below the API.</summary>
internal static class TestBatch
{
    public static byte[] Create(IReadOnlyList<string> values, long producerId = -1, short producerEpoch = -1, int baseSequence = -1, bool transactional = false)
    {
        // Now, so retention (seven days by default) keeps the batch.
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var records = new KafkaWriter();
        for (var i = 0; i < values.Count; i++)
        {
            var record = new KafkaWriter();
            record.WriteInt8(0);        // attributes
            record.WriteVarlong(0);     // timestamp delta
            record.WriteVarint(i);      // offset delta
            record.WriteVarint(-1);     // null key
            var value = Encoding.UTF8.GetBytes(values[i]);
            record.WriteVarint(value.Length);
            record.WriteRaw(value);
            record.WriteVarint(0);      // headers
            records.WriteVarint(record.Length);
            records.WriteRaw(record.WrittenSpan);
        }

        var batch = new KafkaWriter();
        batch.WriteInt64(0);
        var lengthAt = batch.ReserveInt32();
        batch.WriteInt32(0);
        batch.WriteInt8(2);
        var crcAt = batch.ReserveInt32();
        batch.WriteInt16(transactional ? RecordBatchHeader.TransactionalFlag : (short)0);
        batch.WriteInt32(values.Count - 1);
        batch.WriteInt64(timestamp);
        batch.WriteInt64(timestamp);
        batch.WriteInt64(producerId);
        batch.WriteInt16(producerEpoch);
        batch.WriteInt32(baseSequence);
        batch.WriteInt32(values.Count);
        batch.WriteRaw(records.WrittenSpan);

        var bytes = batch.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(lengthAt), bytes.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(crcAt), Crc32C.Compute(bytes.AsSpan(RecordBatchHeader.AttributesOffset)));
        return bytes;
    }
}
