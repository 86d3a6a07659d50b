using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using Outbox.EmbeddedKafka;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The comparison of <see cref="PipelineOverheadBenchmarks"/> without start-up and without the end of the input: each
/// side (the transactional pipeline, the at-least-once loop) is started by its global setup on a broker of its own,
/// fed continuously by an <see cref="InputFeed"/>, and keeps running across invocations. An invocation ends once the
/// side has committed <see cref="Inputs"/> more inputs (several commits at 1 s), counted from where the first
/// invocation started, not from where this one did: a commit that overshoots one invocation's target shortens the
/// next, so the invocations together time the whole stretch, and the mean is off only by the overshoot at either
/// end of it (the same in expectation). The global cleanup prints the stretch's exact rate (<see cref="SteadyStretch"/>).
/// </summary>
[Config(typeof(Config))]
public class SteadyStateOverheadBenchmarks
{
    /// <summary>Inputs per invocation: several seconds, so several commits at 1 s.</summary>
    private const int Inputs = 350_000;

    private const string Group = "steady";

    // Far more than one interval's inputs at 1 s, so the side never waits for the feed between its commits.
    private const int Backlog = 200_000;

    // Per partition: the input keeps about twice the backlog, the output (never read) little.
    private static readonly (long Input, long Output) RetentionBytes = (128L * 1024 * 1024, 16L * 1024 * 1024);

    private EmbeddedKafkaBroker? _broker;
    private InputFeed? _feed;
    private CommittedInputs? _committed;
    private TransactionCommits? _transactionCommits;
    private PipelineInstance? _pipeline;
    private CancellationTokenSource? _stopLoop;
    private Task? _loop;
    private long _target;
    private SteadyStretch? _stretch;
    private string _side = "";

    [Params(100, 1000)]
    public int CommitIntervalMs { get; set; }

    [GlobalSetup(Target = nameof(AtLeastOnce))]
    public async Task StartAtLeastOnceAsync()
    {
        _side = "at-least-once";
        var options = await StartBrokerAndFeedAsync();
        _stopLoop = new CancellationTokenSource();
        _loop = Task.Factory.StartNew(
            () => AtLeastOnceLoop.RunAsync(options, Group, int.MaxValue, _committed!.Signal, _stopLoop.Token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
        await StartedAsync();
    }

    [GlobalSetup(Target = nameof(ExactlyOnce))]
    public async Task StartExactlyOnceAsync()
    {
        _side = "exactly-once";
        await StartBrokerAndFeedAsync();
        _transactionCommits = new TransactionCommits(_committed!.Signal);
        var services = new ServiceCollection();
        services.AddTransactionalPipeline<PaymentReceived, BookPayments>(Group, Configure);
        _pipeline = await PipelineInstance.StartAsync(services);
        await StartedAsync();
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        Console.WriteLine($"// {_side}, {CommitIntervalMs} ms: {_stretch!.Describe(_committed!.Read())}");
        if (_loop is not null)
        {
            await _stopLoop!.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped while handling a record.
            }

            _stopLoop.Dispose();
        }

        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }

        _transactionCommits?.Dispose();
        _feed!.Dispose();
        _committed.Dispose();
        await _broker!.DisposeAsync();
        _feed.ThrowIfInputsSkipped();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs, Description = "at-least-once")]
    public Task AtLeastOnce() => NextInputsCommittedAsync();

    [Benchmark(OperationsPerInvoke = Inputs, Description = "exactly-once (transactions)")]
    public Task ExactlyOnce() => NextInputsCommittedAsync();

    private async Task NextInputsCommittedAsync()
    {
        _feed!.ThrowIfInputsSkipped();
        _target += Inputs;
        _stretch!.Reached(await _committed!.WaitForAsync(_target));
    }

    private async Task<TransactionalPipelineOptions> StartBrokerAndFeedAsync()
    {
        _broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineTopics.Partitions });
        await PipelineTopics.CreateAsync(_broker.BootstrapServers, RetentionBytes);
        _committed = new CommittedInputs(_broker.BootstrapServers, Group);
        _feed = new InputFeed(_broker.BootstrapServers, Group, Backlog);
        await _feed.Filled;
        var options = new TransactionalPipelineOptions();
        Configure(options);
        return options;
    }

    // Only the interval commits: no batch fills up.
    private void Configure(TransactionalPipelineOptions options) =>
        PipelineBenchmark.Configure(options, _broker!.BootstrapServers, Group, TimeSpan.FromMilliseconds(CommitIntervalMs), int.MaxValue);

    // The side has joined its group and committed once before the first invocation; the targets count from there.
    private async Task StartedAsync()
    {
        _target = await _committed!.WaitForAsync(1);
        _stretch = new SteadyStretch(_target);
    }

    /// <summary>A few measured iterations after warm-up; <c>--quick</c> halves them.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            var quick = Environment.GetCommandLineArgs().Contains("--quick");
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithWarmupCount(1)
                .WithIterationCount(quick ? 5 : 15)
                // Every invocation counts: one left out would take its stretch out of the timed whole.
                .WithOutlierMode(OutlierMode.DontRemove)
                // The side's own collections are part of what it costs; a forced one between iterations is not.
                .WithGcForce(false));
        }
    }
}
