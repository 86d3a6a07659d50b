using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Outbox.Benchmarks;

/// <summary>
/// Each invocation relays a whole outbox, so a few measured iterations without warm-up say enough. In
/// process, because BenchmarkDotNet's generated project would inherit the solution's strict build settings.
/// </summary>
public sealed class InProcessMonitoringConfig : ManualConfig
{
    public InProcessMonitoringConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(3)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(new MessagesPerSecondColumn());
    }
}
