using BenchmarkDotNet.Attributes;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// Records per second through EmbeddedKafka: a raw Confluent.Kafka consumer loop (baseline) against the inbox
/// with dedupe on PostgreSQL (one transaction per record inserting its inbox row; the handler does nothing else;
/// the DbContext pooled, and once more unpooled),
/// both committing every 100 ms and reading the same records with a fresh consumer group per invocation.
/// The difference of the two times per record is the inbox's overhead per message.
/// </summary>
[InvocationCount(1)]
public class InboxThroughputBenchmarks
{
    private const int Records = 5000;
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(100);
    private EndToEndEnvironment? _environment;

    [GlobalSetup]
    public void Setup() => _environment = EndToEndEnvironment.StartAsync("inbox_bench_throughput", Records, keys: 1000).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _environment?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public Task Raw_consumer_loop() => RawConsumerLoop.RunAsync(_environment!.Broker.BootstrapServers, EndToEndEnvironment.Topic, Records, CommitInterval);

    [Benchmark(OperationsPerInvoke = Records)]
    public Task Inbox_with_dedupe_on_PostgreSQL() =>
        InboxRun.RunAsync(_environment!.Broker.BootstrapServers, _environment.ConnectionString, EndToEndEnvironment.Topic, Records, maxDegreeOfParallelism: 16, TimeSpan.Zero, CommitInterval);

    // The same with the DbContext registered by AddDbContext: EF Core builds its options and internal services per record.
    [Benchmark(OperationsPerInvoke = Records)]
    public Task Inbox_with_dedupe_on_PostgreSQL_unpooled_DbContext() =>
        InboxRun.RunAsync(_environment!.Broker.BootstrapServers, _environment.ConnectionString, EndToEndEnvironment.Topic, Records, maxDegreeOfParallelism: 16, TimeSpan.Zero, CommitInterval, pooledDbContext: false);
}
