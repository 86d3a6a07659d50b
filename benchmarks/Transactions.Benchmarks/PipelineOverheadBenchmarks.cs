using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The pipeline with transactions (exactly once) against the same record processor without them (at least once:
/// idempotent producer, offsets committed by the consumer after a flush). Enough inputs that a run spans several
/// commit intervals, so the per-commit cost shows rather than start-up.
/// </summary>
public class PipelineOverheadBenchmarks : PipelineBenchmark
{
    protected override int Records => 150_000;

    [Benchmark(Baseline = true, Description = "at-least-once")]
    public Task AtLeastOnce()
    {
        var group = NextGroup();
        return AtLeastOnceLoop.RunAsync(Options(group), group, Records, committed: () => { }, CancellationToken.None);
    }

    [Benchmark(Description = "exactly-once (transactions)")]
    public async Task ExactlyOnce()
    {
        var group = NextGroup();
        var services = new ServiceCollection();
        services.AddTransactionalPipeline<PaymentReceived, BookPayments>(group, options => Configure(options, group));
        await RunPipelineAsync(services, group);
    }
}
