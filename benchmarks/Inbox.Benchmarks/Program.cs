using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Outbox.Inbox.Benchmarks;

// --quick: a short job; other arguments go to BenchmarkDotNet (for example --filter '*Parallelism*').
// DedupeOverheadBenchmarks runs on PostgreSQL when POSTGRES_CONNECTION_STRING is set; the end-to-end benchmarks
// always use PostgreSQL: that variable, or a throwaway cluster from the server binaries (tests/Testing/Databases).
// --cpu [records] [MaxDegreeOfParallelism] [rounds]: CPU per record of the end-to-end case and where a run's time goes
// (defaults 1000, 32, 5); it prints one line and runs no BenchmarkDotNet job.
if (Array.IndexOf(args, "--cpu") is var cpuAt and >= 0)
{
    int Argument(int offset, int fallback) =>
        cpuAt + offset < args.Length && int.TryParse(args[cpuAt + offset], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    return await CpuPerRecord.MeasureAsync(Argument(1, 1000), Argument(2, 32), Argument(3, 5)).ConfigureAwait(false);
}

var quick = args.Contains("--quick");
// MaxDegreeOfParallelism 1 with 3,000 records of a 5 ms handler runs for minutes: past the in-process default time limit.
var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true));
var config = DefaultConfig.Instance.AddJob(job.AsDefault()).AddColumn(StatisticColumn.OperationsPerSecond);
BenchmarkSwitcher.FromTypes([typeof(InboxThroughputBenchmarks), typeof(EndToEndParallelismBenchmarks), typeof(SteadyStateParallelismBenchmarks), typeof(KeyOrderedParallelismBenchmarks), typeof(DedupeOverheadBenchmarks)])
    .Run([.. args.Where(a => a != "--quick")], config);
return 0;
