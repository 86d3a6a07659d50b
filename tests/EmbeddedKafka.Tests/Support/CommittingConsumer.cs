using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>
/// A group member on its own thread that commits every record right after receiving it and counts the
/// record as processed once the commit succeeded. A commit refused during a rebalance seeks back to the
/// record, so it comes again (here or at the partition's next owner): with a correct broker every record
/// is processed exactly once across the group. What happened to the member (assignments, refused commits,
/// librdkafka's log) is kept for <see cref="Describe"/>, so a test that times out can say why.
/// </summary>
internal sealed class CommittingConsumer : IDisposable
{
    private const int HistoryLines = 200;
    private const int ClientLogLines = 200;

    /// <summary>librdkafka's per-commit chatter (with <c>Debug = "cgrp"</c>), left out so the kept lines reach back to the rebalances.</summary>
    private static readonly HashSet<string> RoutineFacilities = ["ASSIGNDONE", "CGRPOP", "COMMIT", "DUMP", "DUMP_ALL", "DUMP_PND", "DUMP_QRY", "DUMP_REM"];

    private readonly ConsumerConfig _config;
    private readonly string _topic;
    private readonly ConcurrentQueue<(string Consumer, ConsumeResult<string, string> Record)> _processed;
    private readonly HashSet<TopicPartition> _assignment = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly ConcurrentQueue<string> _history = new();
    private readonly ConcurrentQueue<string> _clientLog = new();
    private Exception? _failure;
    private int _processedCount;
    private int _revocationCount;

    public CommittingConsumer(string name, ConsumerConfig config, string topic, ConcurrentQueue<(string, ConsumeResult<string, string>)> processed)
    {
        Name = name;
        _config = new ConsumerConfig(config.ToDictionary()) { ClientId = name, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest };
        _topic = topic;
        _processed = processed;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public string Name { get; }

    public int ProcessedCount => Volatile.Read(ref _processedCount);

    /// <summary>How many times partitions were taken away (revoked or lost): a rebalance an eager assignor ran.</summary>
    public int RevocationCount => Volatile.Read(ref _revocationCount);

    public IReadOnlySet<TopicPartition> Assignment
    {
        get
        {
            lock (_assignment)
            {
                return _assignment.ToHashSet();
            }
        }
    }

    /// <summary>The member's assignment, counts, assignment history and the latest lines of librdkafka's log, for a failure message.</summary>
    public string Describe() =>
        $"{Name}: owns [{string.Join(", ", Assignment.Select(p => p.Partition.Value).Order())}], processed {ProcessedCount}, revocations {RevocationCount}"
        + Environment.NewLine + "  history: " + string.Join(Environment.NewLine + "    ", _history)
        + Environment.NewLine + "  librdkafka: " + string.Join(Environment.NewLine + "    ", _clientLog);

    /// <summary>Leaves the group (LeaveGroup) and waits for the thread; rethrows what failed on it.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
        if (_failure is not null)
        {
            throw new InvalidOperationException($"Consumer {Name} failed", _failure);
        }
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _thread.Join();
        }

        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            using var consumer = new ConsumerBuilder<string, string>(_config)
                .SetPartitionsAssignedHandler((_, partitions) => Change(partitions, add: true, "assigned"))
                .SetPartitionsRevokedHandler((_, partitions) => Change(partitions.Select(p => p.TopicPartition), add: false, "revoked"))
                .SetPartitionsLostHandler((_, partitions) => Change(partitions.Select(p => p.TopicPartition), add: false, "lost"))
                .SetLogHandler((_, message) => KeepClientLog(message))
                .SetErrorHandler((_, error) => Record($"error {error.Code}: {error.Reason}"))
                .Build();
            consumer.Subscribe(_topic);
            while (!_stop.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                try
                {
                    consumer.Commit(result);
                }
                catch (KafkaException e)
                {
                    Record($"commit of {result.TopicPartitionOffset} refused: {e.Error.Code}");
                    TrySeek(consumer, result.TopicPartitionOffset);
                    continue;
                }

                _processed.Enqueue((Name, result));
                Interlocked.Increment(ref _processedCount);
            }

            consumer.Close();
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    private static void TrySeek(IConsumer<string, string> consumer, TopicPartitionOffset position)
    {
        try
        {
            consumer.Seek(position);
        }
        catch (KafkaException)
        {
            // The partition is gone already: its next owner starts from the last commit.
        }
    }

    private static void Keep(ConcurrentQueue<string> lines, string line, int capacity)
    {
        lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        while (lines.Count > capacity && lines.TryDequeue(out _))
        {
        }
    }

    private void KeepClientLog(LogMessage message)
    {
        if (!RoutineFacilities.Contains(message.Facility))
        {
            Keep(_clientLog, $"{message.Level} {message.Facility} {message.Message}", ClientLogLines);
        }
    }

    private void Record(string happening) => Keep(_history, happening, HistoryLines);

    private void Change(IEnumerable<TopicPartition> partitions, bool add, string how)
    {
        if (!add)
        {
            Interlocked.Increment(ref _revocationCount);
        }

        var changed = partitions.ToList();
        Record($"{how} [{string.Join(", ", changed.Select(p => p.Partition.Value).Order())}]");
        lock (_assignment)
        {
            foreach (var partition in changed)
            {
                if (add)
                {
                    _assignment.Add(partition);
                }
                else
                {
                    _assignment.Remove(partition);
                }
            }
        }
    }
}
