using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// Idempotence state of one producer on one partition: its epoch, its last sequence and the last
/// five batches, so a retried batch is recognised and answered with its original offset.
/// </summary>
internal sealed class ProducerSequence
{
    private const int Window = 5;
    private readonly Queue<(int FirstSequence, int LastSequence, long BaseOffset)> _recent = new();

    public ProducerSequence(short epoch) => Epoch = epoch;

    public short Epoch { get; private set; }

    public int LastSequence { get; private set; } = -1;

    /// <summary>Checks a batch against the sequence; a duplicate returns the offset it was first written at.</summary>
    public ErrorCode Check(in RecordBatchHeader batch, out long duplicateOf)
    {
        duplicateOf = -1;
        if (batch.ProducerEpoch < Epoch)
        {
            return ErrorCode.InvalidProducerEpoch;
        }

        if (batch.ProducerEpoch > Epoch)
        {
            // A new epoch restarts the sequence at zero (KIP-360; librdkafka bumps epochs itself).
            return batch.BaseSequence == 0 ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
        }

        foreach (var (first, last, baseOffset) in _recent)
        {
            if (first == batch.BaseSequence && last == batch.LastSequence)
            {
                duplicateOf = baseOffset;
                return ErrorCode.DuplicateSequenceNumber;
            }
        }

        if (LastSequence == -1 && _recent.Count == 0)
        {
            return ErrorCode.None;
        }

        var expected = LastSequence == int.MaxValue ? 0 : LastSequence + 1;
        return batch.BaseSequence == expected ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
    }

    public void Record(in RecordBatchHeader batch, long baseOffset)
    {
        if (batch.ProducerEpoch != Epoch)
        {
            Epoch = batch.ProducerEpoch;
            _recent.Clear();
        }

        LastSequence = batch.LastSequence;
        _recent.Enqueue((batch.BaseSequence, batch.LastSequence, baseOffset));
        if (_recent.Count > Window)
        {
            _recent.Dequeue();
        }
    }
}
