using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Outbox.EmbeddedKafka.Benchmarks;

// --memory: peak working set of the console host for 1 M records of 1 KiB.
// --cpu N [--retention-mib M]: process CPU time per produced record in N alternating rounds of EmbeddedKafka
//           (default retention), EmbeddedKafka keeping M MiB per partition (default 8, about what the mock keeps)
//           and the mock.
// --quick:  the throughput comparison with a short job (under a minute for the produce benchmarks).
// otherwise the throughput comparison with a longer job; other arguments go to BenchmarkDotNet.
if (args.Contains("--memory"))
{
    return await PeakWorkingSet.MeasureAsync(records: 1_000_000).ConfigureAwait(false);
}

if (Array.IndexOf(args, "--cpu") is var cpuAt and >= 0)
{
    var rounds = cpuAt + 1 < args.Length && int.TryParse(args[cpuAt + 1], out var n) ? n : 10;
    var retentionMib = BrokerEndpoint.MatchedRetentionBytes / 1024 / 1024;
    if (Array.IndexOf(args, "--retention-mib") is var at and >= 0)
    {
        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var mib) || mib <= 0)
        {
            await Console.Error.WriteLineAsync("--retention-mib needs a positive whole number of MiB").ConfigureAwait(false);
            return 2;
        }

        retentionMib = mib;
    }

    return await CpuPerRecord.MeasureAsync(rounds, retentionMib * 1024 * 1024).ConfigureAwait(false);
}

var quick = args.Contains("--quick");

// In process: both brokers and the clients share it either way, and no project is generated and built.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithInvocationCount(1)
    .WithUnrollFactor(1)
    .WithLaunchCount(1)
    // An invocation takes 30-100 ms and varies by a factor of two on a shared machine: only many iterations compare.
    .WithWarmupCount(quick ? 5 : 10)
    .WithIterationCount(quick ? 50 : 200);
var config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddColumn(StatisticColumn.OperationsPerSecond)
    .WithSummaryStyle(DefaultConfig.Instance.SummaryStyle.WithRatioStyle(RatioStyle.Trend));
BenchmarkRunner.Run<BrokerThroughputBenchmarks>(config, [.. args.Where(a => a != "--quick")]);
return 0;
