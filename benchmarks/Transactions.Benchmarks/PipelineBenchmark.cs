using System.Diagnostics.Metrics;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;
using Outbox.Transactions.Diagnostics;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// What the pipeline benchmarks share: an embedded broker whose input topic holds <see cref="Records"/> inputs of
/// about 1 KiB, a SQLite file for database effects, and the pipeline's options at two commit intervals. Each
/// operation uses a fresh consumer group over the same input.
/// </summary>
[Config(typeof(Config))]
public abstract class PipelineBenchmark
{
    protected const string InputTopic = "payments";
    private const int Partitions = 4;

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
        _broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = Partitions });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = InputTopic, NumPartitions = Partitions, ReplicationFactor = 1 },
                new TopicSpecification { Name = BookPayments.OutputTopic, NumPartitions = Partitions, ReplicationFactor = 1 },
            ]);
        }

        var registry = new MessageTypeRegistry();
        var serializer = new JsonMessageSerializer();
        using var producer = new ProducerBuilder<byte[], byte[]>(new KafkaClientOptions { BootstrapServers = _broker.BootstrapServers }.CreateProducerConfig()).Build();
        var data = new string('x', 900);
        for (var i = 0; i < Records; i++)
        {
            var message = new PaymentReceived($"payment-{i}", data);
            var envelope = new MessageEnvelope
            {
                Id = Guid.CreateVersion7(),
                Type = registry.GetName(typeof(PaymentReceived)),
                Source = "/benchmarks",
                Time = DateTimeOffset.UtcNow,
                ContentType = serializer.ContentType,
                Key = $"account-{i % 50}",
                Payload = serializer.Serialize(message, typeof(PaymentReceived)),
            };
            var record = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(envelope.Key),
                Value = envelope.Payload.ToArray(),
                Headers = envelope.ToKafkaHeaders(),
            };
            while (true)
            {
                try
                {
                    producer.Produce(InputTopic, record);
                    break;
                }
                catch (ProduceException<byte[], byte[]> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // More records than librdkafka queues: wait for the broker's acknowledgements to make room.
                    producer.Poll(TimeSpan.FromMilliseconds(100));
                }
            }
        }

        producer.Flush(TimeSpan.FromSeconds(60));

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
        // The committed offsets are looked at after each committed transaction (and at least every 100 ms), not in a
        // tight loop: the at-least-once side has no observer competing with it for the two cores.
        using var committed = new SemaphoreSlim(0);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (ReferenceEquals(instrument, PipelineTelemetry.TransactionsCommitted))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => committed.Release());
        listener.Start();

        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        using var reader = new ConsumerBuilder<Ignore, Ignore>(new KafkaClientOptions { BootstrapServers = _broker.BootstrapServers }.CreateConsumerConfig(group)).Build();
        var partitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(InputTopic, p)).ToList();
        while (reader.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => c.Offset.IsSpecial ? 0 : c.Offset.Value) < Records)
        {
            await committed.WaitAsync(TimeSpan.FromMilliseconds(100));
        }

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }
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

    protected void Configure(TransactionalPipelineOptions options, string group)
    {
        options.Kafka.BootstrapServers = _broker.BootstrapServers;
        options.Topics.Add(InputTopic);
        options.InstanceId = group;
        options.CommitInterval = TimeSpan.FromMilliseconds(CommitIntervalMs);
        options.MaxBatchSize = Records;
    }
}
