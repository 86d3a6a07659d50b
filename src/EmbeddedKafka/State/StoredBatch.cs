using Outbox.EmbeddedKafka.Network;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// A record batch in a partition log: the client's bytes with the base offset written in, plus an index
/// entry. <see cref="Data"/> is either an array of its own or a slice of the request frame it arrived
/// in (<see cref="Frame"/>, one reference of which the batch holds until the log drops it).
/// </summary>
internal sealed record StoredBatch(
    long BaseOffset,
    long LastOffset,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    bool IsTransactional,
    bool IsControl,
    ReadOnlyMemory<byte> Data,
    RequestFrame? Frame = null)
{
    public int Size => Data.Length;
}
