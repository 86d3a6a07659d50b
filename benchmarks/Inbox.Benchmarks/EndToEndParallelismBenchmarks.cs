using BenchmarkDotNet.Attributes;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// A 5 ms handler on one partition with 1 000 keys, measured end to end through EmbeddedKafka and the inbox with
/// dedupe on PostgreSQL: records per second at MaxDegreeOfParallelism 1, 8 and 32 (target: at least 20× at 32).
/// <see cref="KeyOrderedParallelismBenchmarks"/> measures the dispatcher alone.
/// </summary>
[InvocationCount(1)]
public class EndToEndParallelismBenchmarks
{
    private const int Records = 1000;
    private EndToEndEnvironment? _environment;

    [Params(1, 8, 32)]
    public int MaxDegreeOfParallelism { get; set; }

    [GlobalSetup]
    public void Setup() => _environment = EndToEndEnvironment.StartAsync("inbox_bench_parallelism", Records, keys: 1000).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _environment?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Records)]
    public Task Inbox_with_a_5ms_handler() =>
        InboxRun.RunAsync(_environment!.Broker.BootstrapServers, _environment.ConnectionString, EndToEndEnvironment.Topic, Records, MaxDegreeOfParallelism, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(100));
}
