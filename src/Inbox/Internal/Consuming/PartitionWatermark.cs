namespace Outbox.Inbox.Internal.Consuming;

/// <summary>
/// The commit point of one partition: the lowest offset received but not yet finished, or one past
/// the last received offset when everything finished. Records of different keys finish out of order,
/// so committing the highest finished offset would skip unfinished ones after a crash; this type only
/// advances over a contiguous run of finished offsets. Offsets are tracked in the order the consumer
/// returns them (ascending per partition); gaps left by transaction markers or compaction are fine.
/// </summary>
internal sealed class PartitionWatermark
{
    private readonly Lock _lock = new();
    private readonly Queue<long> _pending = new();
    private readonly HashSet<long> _finishedAhead = [];
    private long _next = -1;

    /// <summary>Records that <paramref name="offset"/> was received and is about to be dispatched.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is not above the last tracked offset.</exception>
    public void Track(long offset)
    {
        lock (_lock)
        {
            if (offset < _next)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Offsets must be tracked in ascending order; the next expected offset is at least {_next}.");
            }

            _pending.Enqueue(offset);
            _next = offset + 1;
        }
    }

    /// <summary>Records that <paramref name="offset"/> finished (handled, skipped, dead-lettered or parked).</summary>
    /// <exception cref="InvalidOperationException">The offset was not tracked or already finished.</exception>
    public void Complete(long offset)
    {
        lock (_lock)
        {
            if (_pending.Count == 0 || offset < _pending.Peek() || offset >= _next)
            {
                throw new InvalidOperationException($"Offset {offset} is not awaiting completion.");
            }

            if (offset != _pending.Peek())
            {
                if (!_finishedAhead.Add(offset))
                {
                    throw new InvalidOperationException($"Offset {offset} was already completed.");
                }

                return;
            }

            _pending.Dequeue();
            while (_pending.Count > 0 && _finishedAhead.Remove(_pending.Peek()))
            {
                _pending.Dequeue();
            }
        }
    }

    /// <summary>The offset to commit (the next record the group should read), or null before anything was tracked.</summary>
    public long? CommitOffset
    {
        get
        {
            lock (_lock)
            {
                if (_next < 0)
                {
                    return null;
                }

                return _pending.Count > 0 ? _pending.Peek() : _next;
            }
        }
    }

    /// <summary>Received records not yet finished.</summary>
    public int Unfinished
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count - _finishedAhead.Count;
            }
        }
    }
}
