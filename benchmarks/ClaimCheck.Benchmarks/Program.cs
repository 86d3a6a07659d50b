using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Outbox.ClaimCheck.Benchmarks;

// --quick: a short job that finishes in about a minute; other arguments go to BenchmarkDotNet.
var quick = args.Contains("--quick");
var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job.AsDefault());
BenchmarkRunner.Run<ClaimCheckBenchmarks>(config, [.. args.Where(a => a != "--quick")]);
