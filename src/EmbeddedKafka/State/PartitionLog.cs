using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Outbox.EmbeddedKafka.Network;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Storage;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// One partition's log: stored batches, high watermark, last stable offset, aborted transactions
/// and producer sequences. Every member is called with <see cref="Cluster.Sync"/> held; only
/// <see cref="Changed"/> is read without it.
/// </summary>
internal sealed class PartitionLog
{
    private readonly List<StoredBatch> _batches = [];
    private readonly Dictionary<long, long> _openTransactions = [];   // producer id → first offset
    private readonly List<AbortedTransaction> _aborted = [];           // by marker offset
    private readonly Dictionary<long, ProducerSequence> _producers = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _bytes;

    public PartitionLog(string topic, int partition)
    {
        Topic = topic;
        Partition = partition;
    }

    public string Topic { get; }

    public int Partition { get; }

    public long LogStartOffset { get; private set; }

    /// <summary>The next offset to be written; on a single node also the high watermark.</summary>
    public long HighWatermark { get; private set; }

    public long LastStableOffset => _openTransactions.Count == 0 ? HighWatermark : _openTransactions.Values.Min();

    public long SizeInBytes => _bytes;

    public IReadOnlyList<StoredBatch> Batches => _batches;

    public IReadOnlyDictionary<long, long> OpenTransactions => _openTransactions;

    /// <summary>Where the log persists itself (data directory); null keeps it in memory only.</summary>
    public IPartitionStorage? Storage { get; set; }

    /// <summary>Completes when anything that a fetch could see changes (append, marker, truncation).</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public ProducerSequence? FindProducer(long producerId) => _producers.GetValueOrDefault(producerId);

    /// <summary>Validates the idempotence sequence of a batch; a duplicate reports its original base offset.</summary>
    public ErrorCode CheckSequence(in RecordBatchHeader header, out long duplicateOf)
    {
        duplicateOf = -1;
        if (header.ProducerId < 0)
        {
            return ErrorCode.None;
        }

        return _producers.TryGetValue(header.ProducerId, out var state) ? state.Check(header, out duplicateOf) : ErrorCode.None;
    }

    /// <summary>Appends a validated client batch, copying it, and returns its base offset.</summary>
    public long Append(ReadOnlySpan<byte> batch, in RecordBatchHeader header)
    {
        // Overwritten entirely by the copy, so the runtime need not zero it first.
        var data = GC.AllocateUninitializedArray<byte>(header.TotalSize);
        batch[..header.TotalSize].CopyTo(data);
        return Append(data, header, frame: null);
    }

    /// <summary>
    /// Appends a validated batch that arrived in <paramref name="frame"/> and returns its base offset. A
    /// batch filling at least half of the frame is kept as a slice of it; a smaller one is copied, so a
    /// frame kept alive by a batch never costs more than twice the batch's size.
    /// </summary>
    public long Append(ReadOnlyMemory<byte> batch, in RecordBatchHeader header, RequestFrame frame)
    {
        if (header.TotalSize * 2L < frame.Capacity || !frame.Contains(batch))
        {
            return Append(batch.Span, header);
        }

        return Append(MemoryMarshal.AsMemory(batch[..header.TotalSize]), header, frame);
    }

    private long Append(Memory<byte> data, in RecordBatchHeader header, RequestFrame? frame)
    {
        var baseOffset = HighWatermark;
        BinaryPrimitives.WriteInt64BigEndian(data.Span, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(data.Span[12..], 0); // one leader, epoch 0; outside the CRC
        Store(new StoredBatch(baseOffset, baseOffset + header.LastOffsetDelta, header.MaxTimestamp, header.ProducerId,
            header.ProducerEpoch, header.IsTransactional, IsControl: false, data, frame));

        if (header.ProducerId >= 0)
        {
            if (!_producers.TryGetValue(header.ProducerId, out var state))
            {
                _producers[header.ProducerId] = state = new ProducerSequence(header.ProducerEpoch);
            }

            state.Record(header, baseOffset);
            if (header.IsTransactional)
            {
                _openTransactions.TryAdd(header.ProducerId, baseOffset);
            }
        }

        Signal();
        return baseOffset;
    }

    /// <summary>Writes the marker that ends a producer's transaction here; returns false if it had written nothing.</summary>
    public bool EndTransaction(long producerId, short producerEpoch, bool commit, long timestamp)
    {
        var marker = ControlBatch.Create(producerId, producerEpoch, commit, timestamp);
        var offset = HighWatermark;
        BinaryPrimitives.WriteInt64BigEndian(marker, offset);
        Store(new StoredBatch(offset, offset, timestamp, producerId, producerEpoch, IsTransactional: true, IsControl: true, marker));
        if (_openTransactions.Remove(producerId, out var first) && !commit)
        {
            _aborted.Add(new AbortedTransaction(producerId, first, offset));
        }

        Signal();
        return true;
    }

    /// <summary>
    /// Batches from <paramref name="offset"/> up to <paramref name="limit"/> (the high watermark, or the
    /// last stable offset for read_committed), at least one batch, then up to <paramref name="maxBytes"/>.
    /// </summary>
    public List<StoredBatch> Read(long offset, long limit, int maxBytes)
    {
        var result = new List<StoredBatch>();
        var index = FindBatch(offset);
        var total = 0;
        for (var i = index; i >= 0 && i < _batches.Count; i++)
        {
            var batch = _batches[i];
            if (batch.BaseOffset >= limit || (result.Count > 0 && total + batch.Size > maxBytes))
            {
                break;
            }

            result.Add(batch);
            total += batch.Size;
        }

        return result;
    }

    /// <summary>Aborted transactions a read_committed reader of [<paramref name="from"/>, <paramref name="to"/>) must filter.</summary>
    public List<AbortedTransaction> AbortedBetween(long from, long to)
    {
        var result = new List<AbortedTransaction>();
        foreach (var aborted in _aborted)
        {
            if (aborted.MarkerOffset >= from && aborted.FirstOffset < to)
            {
                result.Add(aborted);
            }
        }

        return result;
    }

    /// <summary>The first offset whose batch has a timestamp at or after <paramref name="timestamp"/>, or -1.</summary>
    public (long Offset, long Timestamp) OffsetForTimestamp(long timestamp, long limit)
    {
        foreach (var batch in _batches)
        {
            if (batch.BaseOffset >= limit)
            {
                break;
            }

            if (!batch.IsControl && batch.MaxTimestamp >= timestamp)
            {
                return (Math.Max(batch.BaseOffset, LogStartOffset), batch.MaxTimestamp);
            }
        }

        return (-1, -1);
    }

    /// <summary>The offset and timestamp of the record with the largest timestamp, or -1.</summary>
    public (long Offset, long Timestamp) MaxTimestamp(long limit)
    {
        (long Offset, long Timestamp) best = (-1, -1);
        foreach (var batch in _batches)
        {
            if (batch.BaseOffset >= limit)
            {
                break;
            }

            if (!batch.IsControl && batch.MaxTimestamp > best.Timestamp)
            {
                best = (batch.LastOffset, batch.MaxTimestamp);
            }
        }

        return best;
    }

    /// <summary>Moves the log start offset (DeleteRecords); whole batches below it are dropped.</summary>
    public void DeleteBefore(long offset)
    {
        if (offset <= LogStartOffset)
        {
            return;
        }

        Storage?.DeleteBefore(offset);
        LogStartOffset = offset;
        var drop = 0;
        while (drop < _batches.Count && _batches[drop].LastOffset < offset)
        {
            // A fetch response still being written holds a reference of its own (RequestContext.HoldUntilSent).
            _bytes -= _batches[drop].Size;
            _batches[drop].Frame?.Release();
            drop++;
        }

        _batches.RemoveRange(0, drop);

        _aborted.RemoveAll(a => a.MarkerOffset < offset);
        Signal();
    }

    /// <summary>Drops the oldest stable batches while the log holds more than <paramref name="maxBytes"/> or older than <paramref name="minTimestamp"/>.</summary>
    public void ApplyRetention(long maxBytes, long minTimestamp)
    {
        var stable = LastStableOffset;
        var drop = 0;
        var bytes = _bytes;
        while (drop < _batches.Count - 1)
        {
            var batch = _batches[drop];
            var tooBig = maxBytes >= 0 && bytes > maxBytes;
            var tooOld = batch.MaxTimestamp < minTimestamp;
            if (batch.LastOffset >= stable || !(tooBig || tooOld))
            {
                break;
            }

            bytes -= batch.Size;
            drop++;
        }

        if (drop > 0)
        {
            DeleteBefore(_batches[drop].BaseOffset);
        }
    }

    /// <summary>Restores a batch read back from disk, rebuilding the index, transactions and sequences.</summary>
    public void Restore(ReadOnlySpan<byte> data)
    {
        var header = RecordBatchHeader.Read(data);
        if (header.IsControl)
        {
            var commit = data.Length > RecordBatchHeader.Size + 8 && IsCommitMarker(data);
            HighWatermark = header.BaseOffset;
            EndTransaction(header.ProducerId, header.ProducerEpoch, commit, header.MaxTimestamp);
            return;
        }

        HighWatermark = header.BaseOffset;
        Append(data, header);
    }

    public void RestoreLogStartOffset(long offset) => DeleteBefore(offset);

    private static bool IsCommitMarker(ReadOnlySpan<byte> data)
    {
        // The marker's single record: length, attributes, timestamp delta, offset delta, key length (all one byte here), key.
        var key = data[(RecordBatchHeader.Size + 5)..];
        return BinaryPrimitives.ReadInt16BigEndian(key[2..]) == 1;
    }

    private void Store(StoredBatch batch)
    {
        // Disk first: if the write fails, the log stays as it was and the request fails.
        Storage?.Append(batch);
        batch.Frame?.AddReference();
        _batches.Add(batch);
        _bytes += batch.Size;
        HighWatermark = batch.LastOffset + 1;
    }

    private int FindBatch(long offset)
    {
        int lo = 0, hi = _batches.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_batches[mid].LastOffset >= offset)
            {
                found = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return found;
    }

    private void Signal()
    {
        var previous = Interlocked.Exchange(ref _changed, NewSignal());
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
