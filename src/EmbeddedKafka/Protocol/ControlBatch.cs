using System.Buffers.Binary;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>Builds the COMMIT/ABORT marker batch that ends a transaction on one partition.</summary>
internal static class ControlBatch
{
    public static byte[] Create(long producerId, short producerEpoch, bool commit, long timestamp, int coordinatorEpoch = 0)
    {
        var record = new KafkaWriter(32);
        record.WriteInt8(0);       // record attributes
        record.WriteVarlong(0);    // timestamp delta
        record.WriteVarint(0);     // offset delta
        record.WriteVarint(4);     // key: version int16, type int16
        record.WriteInt16(0);
        record.WriteInt16(commit ? (short)1 : (short)0);
        record.WriteVarint(6);     // value: version int16, coordinator epoch int32
        record.WriteInt16(0);
        record.WriteInt32(coordinatorEpoch);
        record.WriteVarint(0);     // headers

        var batch = new KafkaWriter(RecordBatchHeader.Size + 40);
        batch.WriteInt64(0);       // base offset, set on append
        var lengthAt = batch.ReserveInt32();
        batch.WriteInt32(0);       // partition leader epoch
        batch.WriteInt8(2);        // magic
        var crcAt = batch.ReserveInt32();
        batch.WriteInt16(RecordBatchHeader.TransactionalFlag | RecordBatchHeader.ControlFlag);
        batch.WriteInt32(0);       // last offset delta
        batch.WriteInt64(timestamp);
        batch.WriteInt64(timestamp);
        batch.WriteInt64(producerId);
        batch.WriteInt16(producerEpoch);
        batch.WriteInt32(-1);      // base sequence
        batch.WriteInt32(1);       // record count
        batch.WriteVarint(record.Length);
        batch.WriteRaw(record.WrittenSpan);

        var bytes = batch.WrittenSpan.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(lengthAt), bytes.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(crcAt), Crc32C.Compute(bytes.AsSpan(RecordBatchHeader.AttributesOffset)));
        return bytes;
    }
}
