using System.Buffers.Binary;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>Builds a record batch v2 (no compression, no producer id) holding one record, with a correct CRC-32C.</summary>
internal static class TestRecordBatch
{
    public static byte[] Single(byte[] value, long timestamp)
    {
        var record = new KafkaWriter();
        record.WriteInt8(0);       // attributes
        record.WriteVarlong(0);    // timestamp delta
        record.WriteVarint(0);     // offset delta
        record.WriteVarint(-1);    // null key
        record.WriteVarint(value.Length);
        record.WriteRaw(value);
        record.WriteVarint(0);     // no headers
        var body = record.WrittenSpan.ToArray();

        var batch = new KafkaWriter();
        batch.WriteInt64(0);                                  // base offset
        var lengthAt = batch.ReserveInt32();
        batch.WriteInt32(-1);                                 // partition leader epoch
        batch.WriteInt8(2);                                   // magic
        var crcAt = batch.ReserveInt32();
        batch.WriteInt16(0);                                  // attributes
        batch.WriteInt32(0);                                  // last offset delta
        batch.WriteInt64(timestamp);
        batch.WriteInt64(timestamp);
        batch.WriteInt64(-1);                                 // producer id
        batch.WriteInt16(-1);                                 // producer epoch
        batch.WriteInt32(-1);                                 // base sequence
        batch.WriteInt32(1);                                  // record count
        batch.WriteVarint(body.Length);
        batch.WriteRaw(body);
        batch.PatchInt32(lengthAt, batch.Length - RecordBatchHeader.LogOverhead);
        var bytes = batch.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(crcAt), Crc32C.Compute(bytes.AsSpan(RecordBatchHeader.AttributesOffset)));
        return bytes;
    }
}
