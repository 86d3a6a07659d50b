using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Outbox.Messaging;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// The case of <see cref="EndToEndParallelismBenchmarks"/> (a 5 ms handler, one partition, 1 000 keys, dedupe on
/// PostgreSQL, pooled DbContext) without start-up: the inbox host is started, has joined its group and handled a
/// warm-up record before the clock runs, and keeps running for all invocations of its degree. An invocation
/// produces <see cref="Records"/> new records (fresh event ids, keys drawn from 1 000) with a plain producer and
/// ends when the handler has seen all of them: records per second of a running inbox at MaxDegreeOfParallelism
/// 1, 8 and 32 (target: at least 20× at 32). With the default MaxBufferedRecordsPerPartition (10 000) the partition
/// is never paused; with 1 000 (the default until 2026-11-27) it is paused and resumed once per invocation.
/// </summary>
[InvocationCount(1)]
public class SteadyStateParallelismBenchmarks
{
    private const int Records = 2000;
    private const string Topic = EndToEndEnvironment.Topic;
    private static readonly TimeSpan HandlerDelay = TimeSpan.FromMilliseconds(5);
    private readonly Random _keys = new(42);
    private EndToEndEnvironment? _environment;
    private IHost? _host;
    private IProducer<byte[]?, byte[]?>? _producer;
    private HandledRecords? _handled;
    private Message<byte[]?, byte[]?>[] _records = [];

    [Params(1000, 10000)]
    public int MaxBufferedRecordsPerPartition { get; set; }

    [GlobalSetup(Target = nameof(MaxDegreeOfParallelism_1))]
    public void SetupFor1() => Setup(1);

    [GlobalSetup(Target = nameof(MaxDegreeOfParallelism_8))]
    public void SetupFor8() => Setup(8);

    [GlobalSetup(Target = nameof(MaxDegreeOfParallelism_32))]
    public void SetupFor32() => Setup(32);

    // The records of the next invocation are built outside the clock; producing them is inside it.
    [IterationSetup]
    public void NextRecords() => _records = [.. Enumerable.Range(0, Records).Select(_ => BenchmarkTopic.Record($"order-{_keys.Next(1000)}"))];

    [GlobalCleanup]
    public void Cleanup()
    {
        _producer?.Dispose();
        if (_host is not null)
        {
            _host.StopAsync().GetAwaiter().GetResult();
            _host.Dispose();
        }

        _environment?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // One method per degree (not [Params]) so that BenchmarkDotNet's Ratio column is the speed-up over 1; each has a
    // host of its own, started by its global setup.
    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public Task MaxDegreeOfParallelism_1() => ProduceAndAwaitHandledAsync();

    [Benchmark(OperationsPerInvoke = Records)]
    public Task MaxDegreeOfParallelism_8() => ProduceAndAwaitHandledAsync();

    [Benchmark(OperationsPerInvoke = Records)]
    public Task MaxDegreeOfParallelism_32() => ProduceAndAwaitHandledAsync();

    private Task ProduceAndAwaitHandledAsync()
    {
        var all = _handled!.ExpectMore(Records);
        foreach (var record in _records)
        {
            _producer!.Produce(Topic, record);
        }

        // Without a flush the last records would wait out the producer's linger; the inbox is not delayed by it.
        _producer!.Flush(TimeSpan.FromMinutes(1));
        return all.WaitAsync(TimeSpan.FromMinutes(5));
    }

    private void Setup(int maxDegreeOfParallelism)
    {
        // The topic starts with one warm-up record, which the host handles before the first invocation.
        _environment = EndToEndEnvironment.StartAsync("inbox_bench_steady", records: 1, keys: 1000).GetAwaiter().GetResult();
        _handled = new HandledRecords(1, HandlerDelay);
        _host = InboxRun.Build(_environment.Broker.BootstrapServers, _environment.ConnectionString, Topic, _handled, maxDegreeOfParallelism, TimeSpan.FromMilliseconds(100), maxBufferedRecordsPerPartition: MaxBufferedRecordsPerPartition);
        _host.StartAsync().GetAwaiter().GetResult();
        _handled.All.WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new KafkaClientOptions { BootstrapServers = _environment.Broker.BootstrapServers }.CreateProducerConfig()).Build();
    }
}
