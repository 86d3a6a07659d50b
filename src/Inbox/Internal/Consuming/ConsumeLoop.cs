using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Internal.Dispatch;
using Outbox.Inbox.Internal.Pipeline;
using Outbox.Messaging.Kafka;

namespace Outbox.Inbox.Internal.Consuming;

/// <summary>
/// One consumer of the group, the sole owner of its <see cref="IConsumer{TKey,TValue}"/>, on a thread of
/// its own because Consume, Commit and the rebalance callbacks block. It hands records to the partition's
/// dispatcher, commits each partition's watermark every commit interval, pauses a partition whose
/// dispatcher holds too many records or bytes and resumes it when half are done. On revocation it stops the
/// partition's dispatcher, waits (bounded) for running records, commits what finished and only then lets
/// the partition go, so the next owner starts exactly after the last finished record.
/// </summary>
internal sealed class ConsumeLoop : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(5);

    private readonly InboxOptions _options;
    private readonly InboxPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Dictionary<string, MessageOrdering> _ordering;
    private readonly Dictionary<TopicPartition, PartitionWork> _partitions = [];
    private readonly SemaphoreSlim _limiter;
    private readonly BufferBound _bound;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;

    public ConsumeLoop(InboxOptions options, InboxPipeline pipeline, ILogger logger, string name)
    {
        _options = options;
        _pipeline = pipeline;
        _logger = logger;
        _name = name;
        _ordering = options.Subscriptions.ToDictionary(s => s.Topic, s => s.Ordering, StringComparer.Ordinal);
        _limiter = new SemaphoreSlim(options.MaxDegreeOfParallelism, options.MaxDegreeOfParallelism);
        _bound = new BufferBound(options.MaxBufferedRecordsPerPartition, options.MaxBufferedBytesPerPartition);
    }

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = _name };
        _thread.Start();
    }

    /// <summary>Asks the loop to stop; it drains running records (bounded by the shutdown timeout), commits and leaves the group.</summary>
    public Task StopAsync()
    {
        _stopping.Cancel();
        return _thread is null ? Task.CompletedTask : _stopped.Task;
    }

    /// <summary>Releases the loop's signals; call after <see cref="StopAsync"/> completed.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        _limiter.Dispose();
    }

    private void Run()
    {
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(_options.Kafka.CreateConsumerConfig(_options.ConsumerGroup))
                .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
                .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, revoked.Select(p => p.TopicPartition)))
                .SetPartitionsLostHandler((_, lost) => OnLost(lost.Select(p => p.TopicPartition)))
                .SetErrorHandler((_, error) => Log.ClientError(_logger, error.Code.ToString(), error.Reason))
                .Build();
            consumer.Subscribe(_options.Subscriptions.Select(s => s.Topic));
            Log.ConsumerStarted(_logger, _name, _options.ConsumerGroup, string.Join(", ", _options.Subscriptions.Select(s => s.Topic)));
            var nextCommit = DateTime.UtcNow + _options.CommitInterval;
            while (!_stopping.IsCancellationRequested)
            {
                Poll(consumer);
                ControlFlow(consumer);
                if (DateTime.UtcNow >= nextCommit)
                {
                    Commit(consumer, _partitions.Values);
                    nextCommit = DateTime.UtcNow + _options.CommitInterval;
                }
            }

            Shutdown(consumer);
        }
        catch (Exception e)
        {
            Log.ConsumeFailed(_logger, e);
        }
        finally
        {
            Log.ConsumerStopped(_logger, _name);
            _stopped.TrySetResult();
        }
    }

    private void Poll(IConsumer<byte[]?, byte[]?> consumer)
    {
        ConsumeResult<byte[]?, byte[]?>? result;
        try
        {
            result = consumer.Consume(PollTimeout);
        }
        catch (ConsumeException e)
        {
            Log.ConsumeFailed(_logger, e);
            _stopping.Token.WaitHandle.WaitOne(PollTimeout);
            return;
        }

        if (result is null || result.IsPartitionEOF || !_partitions.TryGetValue(result.TopicPartition, out var work))
        {
            return;
        }

        var keyBytes = result.Message.Key;
        var headers = result.Message.Headers ?? [];
        var record = new ConsumedRecord
        {
            Topic = result.Topic,
            Partition = result.Partition.Value,
            Offset = result.Offset.Value,
            Timestamp = result.Message.Timestamp,
            KeyBytes = keyBytes,
            Key = keyBytes is null ? null : Encoding.UTF8.GetString(keyBytes),
            Value = result.Message.Value,
            Headers = headers,
            Size = SizeOf(keyBytes, result.Message.Value, headers),
        };
        work.Watermark.Track(record.Offset);
        work.NextOffset = record.Offset + 1;
        work.Dispatcher.Enqueue(record);
    }

    private static long SizeOf(byte[]? key, byte[]? value, Headers headers)
    {
        long size = (key?.Length ?? 0) + (value?.Length ?? 0);
        foreach (var header in headers)
        {
            size += Encoding.UTF8.GetByteCount(header.Key) + (header.GetValueBytes()?.Length ?? 0);
        }

        return size;
    }

    /// <summary>Bounded memory: a partition holding too many unfinished records or bytes stops fetching until half are done.</summary>
    private void ControlFlow(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var work in _partitions.Values)
        {
            var records = work.Dispatcher.Buffered;
            var bytes = work.Dispatcher.BufferedBytes;
            if (!work.Paused && _bound.IsReached(records, bytes))
            {
                consumer.Pause([work.Partition]);
                work.Paused = true;
            }
            else if (work.Paused && _bound.IsDrained(records, bytes))
            {
                Resume(consumer, work);
            }
        }
    }

    /// <summary>
    /// librdkafka does not wake its fetcher on a resume: the partition's next fetch waited for the broker thread's
    /// next round, up to a second later. A seek changes the partition's fetch state, and that wakes the fetcher. The
    /// pause dropped what librdkafka had fetched ahead, so fetching again from the next offset loses and repeats nothing.
    /// </summary>
    private void Resume(IConsumer<byte[]?, byte[]?> consumer, PartitionWork work)
    {
        consumer.Resume([work.Partition]);
        work.Paused = false;
        try
        {
            consumer.Seek(new TopicPartitionOffset(work.Partition, new Offset(work.NextOffset)));
        }
        catch (KafkaException e)
        {
            Log.ResumeSeekFailed(_logger, e, work.Partition.ToString());
        }
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<PartitionWork> partitions)
    {
        var progress = new List<(PartitionWork Work, long Offset)>();
        foreach (var work in partitions)
        {
            if (work.Watermark.CommitOffset is { } offset && offset > work.LastCommitted)
            {
                progress.Add((work, offset));
            }
        }

        if (progress.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(progress.Select(p => new TopicPartitionOffset(p.Work.Partition, new Offset(p.Offset))));
            foreach (var (work, offset) in progress)
            {
                work.LastCommitted = offset;
            }
        }
        catch (KafkaException e)
        {
            Log.CommitFailed(_logger, e);
        }
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        Log.PartitionsAssigned(_logger, _name, string.Join(", ", assigned));
        foreach (var partition in assigned)
        {
            var watermark = new PartitionWatermark();
            RecordProcessor process = async (record, cancellationToken) =>
            {
                await _pipeline.ProcessAsync(record, cancellationToken).ConfigureAwait(false);
                watermark.Complete(record.Offset);
            };
            void OnFault(ConsumedRecord record, Exception e) => Log.RecordFaulted(_logger, e, record.TopicPartitionOffset.ToString());
            IRecordDispatcher dispatcher = _ordering.GetValueOrDefault(partition.Topic) == MessageOrdering.Partition
                ? new PartitionOrderedDispatcher(_limiter, process, OnFault)
                : new KeyOrderedDispatcher(_limiter, process, OnFault);
            _partitions[partition] = new PartitionWork(partition, watermark, dispatcher);
        }
    }

    /// <summary>
    /// Runs inside Consume on this loop's own thread. Records run on the thread pool, so waiting here
    /// (bounded) for them cannot deadlock, and nothing async is awaited on this thread.
    /// </summary>
    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> revoked)
    {
        var works = revoked.Select(p => _partitions.GetValueOrDefault(p)).OfType<PartitionWork>().ToList();
        Log.PartitionsRevoked(_logger, _name, string.Join(", ", works.Select(w => w.Partition)));
        Drain(works, _options.RevocationTimeout);
        Commit(consumer, works);
        foreach (var work in works)
        {
            _partitions.Remove(work.Partition);
        }
    }

    private void OnLost(IEnumerable<TopicPartition> lost)
    {
        // Another member may own these already: finishing or committing would race it; the inbox row
        // primary key turns away whatever the running records still try to commit twice.
        var works = lost.Select(p => _partitions.GetValueOrDefault(p)).OfType<PartitionWork>().ToList();
        Log.PartitionsLost(_logger, _name, string.Join(", ", works.Select(w => w.Partition)));
        foreach (var work in works)
        {
            work.Dispatcher.Stop();
            work.Dispatcher.Abort();
            _partitions.Remove(work.Partition);
        }
    }

    private void Shutdown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var works = _partitions.Values.ToList();
        Drain(works, _options.ShutdownTimeout);
        Commit(consumer, works);
        _partitions.Clear();
        GroupExit.LeaveAndClose(consumer, _options.ShutdownTimeout);
    }

    /// <summary>Stops the partitions' dispatchers and waits for running records; past the timeout they are cancelled.</summary>
    private void Drain(List<PartitionWork> works, TimeSpan timeout)
    {
        foreach (var work in works)
        {
            work.Dispatcher.Stop();
        }

        var idle = Task.WhenAll(works.Select(w => w.Dispatcher.WhenIdleAsync()));
        if (idle.Wait(timeout))
        {
            return;
        }

        foreach (var work in works.Where(w => !w.Dispatcher.WhenIdleAsync().IsCompleted))
        {
            Log.DrainTimedOut(_logger, work.Partition.ToString(), timeout);
            work.Dispatcher.Abort();
        }

        idle.Wait(AbortGrace);
    }
}
