using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Outbox.Inbox.Benchmarks;

// --quick: a short job; other arguments go to BenchmarkDotNet (for example --filter '*Parallelism*').
// DedupeOverheadBenchmarks runs on PostgreSQL when POSTGRES_CONNECTION_STRING is set; the end-to-end benchmarks
// always use PostgreSQL: that variable, or a throwaway cluster from the server binaries (tests/Testing/Databases).
var quick = args.Contains("--quick");
var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job.AsDefault()).AddColumn(StatisticColumn.OperationsPerSecond);
BenchmarkSwitcher.FromTypes([typeof(InboxThroughputBenchmarks), typeof(EndToEndParallelismBenchmarks), typeof(KeyOrderedParallelismBenchmarks), typeof(DedupeOverheadBenchmarks)])
    .Run([.. args.Where(a => a != "--quick")], config);
