using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// Keeps a running side supplied with input: on a thread of its own, tops each input partition up (cycling through
/// <see cref="DistinctRecords"/> prebuilt inputs) whenever fewer than its share of <c>backlog</c> inputs produced
/// to it are not yet committed by <c>group</c>, looking at the group's committed offsets every 20 ms. The side never
/// waits for input, and each partition holds at most its share of the backlog still to be read, so the broker's
/// retention drops only what was read. Partitions are topped up one by one rather than by key: a consumer reads
/// its partitions at about the same rate, so a partition fed faster than the others would fall behind without
/// bound. Both sides of a steady-state comparison get the same feed, so its cost is the same on both.
/// </summary>
internal sealed class InputFeed : IDisposable
{
    private const int DistinctRecords = 10_000;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(20);

    private readonly Message<byte[]?, byte[]?>[] _records = [.. Enumerable.Range(0, DistinctRecords).Select(PipelineTopics.Record)];
    private readonly long[] _produced = new long[PipelineTopics.Partitions];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _filled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly CommittedInputs _committed;
    private readonly int _backlogPerPartition;
    private readonly Thread _thread;
    private volatile string? _skipped;

    public InputFeed(string bootstrapServers, string group, int backlog)
    {
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new KafkaClientOptions { BootstrapServers = bootstrapServers }.CreateProducerConfig()).Build();
        _committed = new CommittedInputs(bootstrapServers, group);
        _backlogPerPartition = backlog / PipelineTopics.Partitions;
        _thread = new Thread(Run) { Name = "input-feed", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Completes once the first <c>backlog</c> inputs are acknowledged by the broker.</summary>
    public Task Filled => _filled.Task;

    /// <summary>
    /// Throws if the group committed past what was produced to a partition: its consumer skipped inputs (an offset
    /// reset after retention dropped them), so a count of committed inputs would overstate what was processed.
    /// </summary>
    public void ThrowIfInputsSkipped()
    {
        if (_skipped is { } skipped)
        {
            throw new InvalidOperationException(skipped);
        }
    }

    private void Run()
    {
        long next = 0;
        while (!_stop.IsCancellationRequested)
        {
            var committed = _committed.ReadPartitions();
            for (var partition = 0; partition < committed.Length; partition++)
            {
                if (committed[partition] > _produced[partition])
                {
                    _skipped = $"Partition {partition}: {committed[partition]} committed, only {_produced[partition]} produced.";
                }

                for (var missing = _backlogPerPartition - (_produced[partition] - committed[partition]); missing > 0 && !_stop.IsCancellationRequested; missing--)
                {
                    PipelineTopics.Produce(_producer, _records[next++ % DistinctRecords], partition);
                    _produced[partition]++;
                }
            }

            if (!_filled.Task.IsCompleted)
            {
                _producer.Flush(TimeSpan.FromMinutes(1));
                _filled.SetResult();
            }

            _stop.Token.WaitHandle.WaitOne(CheckInterval);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _producer.Dispose();
        _committed.Dispose();
        _stop.Dispose();
    }
}
