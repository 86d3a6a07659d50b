using BenchmarkDotNet.Attributes;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// A 5 ms handler on one partition with 1 000 keys, measured end to end through EmbeddedKafka and the inbox with
/// dedupe on PostgreSQL: records per second at MaxDegreeOfParallelism 1, 8 and 32 (target: at least 20× at 32).
/// Start-up and group join (about 0.1-0.2 s) are inside every invocation, a quarter or more of 1 000 records at 32,
/// so the run is repeated with 3 000 records (same 1 000 keys), where the handling itself dominates.
/// <see cref="SteadyStateParallelismBenchmarks"/> measures the same case on a running inbox, without start-up;
/// <see cref="KeyOrderedParallelismBenchmarks"/> measures the dispatcher alone.
/// </summary>
[InvocationCount(1)]
public class EndToEndParallelismBenchmarks
{
    private EndToEndEnvironment? _environment;

    [Params(1000, 3000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup() => _environment = EndToEndEnvironment.StartAsync("inbox_bench_parallelism", Records, keys: 1000).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _environment?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    // One method per degree (not [Params]) so that BenchmarkDotNet's Ratio column is the speed-up over 1. The record
    // count varies, so an operation is one invocation: records per second are Records / Mean.
    [Benchmark(Baseline = true)]
    public Task MaxDegreeOfParallelism_1() => RunAsync(1);

    [Benchmark]
    public Task MaxDegreeOfParallelism_8() => RunAsync(8);

    [Benchmark]
    public Task MaxDegreeOfParallelism_32() => RunAsync(32);

    private Task RunAsync(int maxDegreeOfParallelism) =>
        InboxRun.RunAsync(_environment!.Broker.BootstrapServers, _environment.ConnectionString, EndToEndEnvironment.Topic, Records, maxDegreeOfParallelism, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(100));
}
