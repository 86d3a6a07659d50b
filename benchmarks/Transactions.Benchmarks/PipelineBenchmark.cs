using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Confluent.Kafka;
using Outbox.Messaging;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.EmbeddedKafka;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// What the pipeline benchmarks share: an embedded broker whose input topic holds <see cref="Records"/> inputs of
/// about 1 KiB, a SQLite file for database effects, and the pipeline's options at two commit intervals. Each
/// operation uses a fresh consumer group over the same input.
/// </summary>
[Config(typeof(Config))]
public abstract class PipelineBenchmark
{
    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"pipeline-benchmark-{Guid.NewGuid():N}.db");
    private EmbeddedKafkaBroker _broker = null!;
    private int _run;

    /// <summary>How many inputs every operation takes through.</summary>
    protected abstract int Records { get; }

    protected string DatabaseConnection => $"Data Source={_databaseFile}";

    [Params(100, 1000)]
    public int CommitIntervalMs { get; set; }

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineTopics.Partitions });
        await PipelineTopics.CreateAsync(_broker.BootstrapServers);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new KafkaClientOptions { BootstrapServers = _broker.BootstrapServers }.CreateProducerConfig()).Build())
        {
            for (var i = 0; i < Records; i++)
            {
                PipelineTopics.Produce(producer, PipelineTopics.Record(i));
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        // A SQLite file in WAL mode, as an embedded deployment would run it; every operation uses a new group.
        await using var context = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseSqlite(DatabaseConnection).Options);
        await context.Database.EnsureCreatedAsync();
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        await _broker.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_databaseFile);
    }

    protected async Task RunPipelineAsync(ServiceCollection services, string group)
    {
        using var committed = new CommittedInputs(_broker.BootstrapServers, group);
        using var commits = new TransactionCommits(committed.Signal);
        await using var pipeline = await PipelineInstance.StartAsync(services);
        await committed.WaitForAsync(Records);
    }

    /// <summary>Each operation takes seconds against a broker in this process: a few measured runs, no child process.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5));
    }

    protected string NextGroup() => $"benchmark-{CommitIntervalMs}-{Interlocked.Increment(ref _run)}";

    protected TransactionalPipelineOptions Options(string group)
    {
        var options = new TransactionalPipelineOptions();
        Configure(options, group);
        return options;
    }

    protected void Configure(TransactionalPipelineOptions options, string group) =>
        Configure(options, _broker.BootstrapServers, group, TimeSpan.FromMilliseconds(CommitIntervalMs), Records);

    /// <summary>
    /// The options of a benchmark pipeline (and of the at-least-once loop, which reads the same ones): the input
    /// topic, the commit interval, and a batch size that only <paramref name="maxBatchSize"/> inputs fill.
    /// </summary>
    internal static void Configure(TransactionalPipelineOptions options, string bootstrapServers, string group, TimeSpan commitInterval, int maxBatchSize)
    {
        options.Kafka.BootstrapServers = bootstrapServers;
        options.Topics.Add(PipelineTopics.Input);
        options.InstanceId = group;
        options.CommitInterval = commitInterval;
        options.MaxBatchSize = maxBatchSize;
    }
}
