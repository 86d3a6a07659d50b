namespace Outbox.EmbeddedKafka.State;

/// <summary>A record batch in a partition log: the client's bytes with the base offset written in, plus an index entry.</summary>
internal sealed record StoredBatch(
    long BaseOffset,
    long LastOffset,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    bool IsTransactional,
    bool IsControl,
    byte[] Data)
{
    public int Size => Data.Length;
}
