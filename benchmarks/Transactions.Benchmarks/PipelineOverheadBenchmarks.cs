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
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// Time to take <see cref="Records"/> 1 KiB inputs through the pipeline with transactions (exactly once) and
/// through the same record processor without them (at least once: idempotent producer, offsets committed by
/// the consumer after a flush), at two commit intervals; and the transactional pipeline with database effects in
/// SQLite (one database transaction per input with its inbox row). Each run uses a fresh consumer group over the same input.
/// </summary>
[Config(typeof(Config))]
public class PipelineOverheadBenchmarks
{
    private const string InputTopic = "payments";
    private const int Records = 5_000;
    private const int Partitions = 4;

    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"pipeline-benchmark-{Guid.NewGuid():N}.db");
    private EmbeddedKafkaBroker _broker = null!;
    private int _run;

    private string DatabaseConnection => $"Data Source={_databaseFile}";

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
            producer.Produce(InputTopic, new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(envelope.Key),
                Value = envelope.Payload.ToArray(),
                Headers = envelope.ToKafkaHeaders(),
            });
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

    [Benchmark(Baseline = true, Description = "at-least-once")]
    public async Task AtLeastOnce()
    {
        var group = NextGroup();
        var options = Options(group);
        var settings = PipelineSettings.From(group, options);
        var registry = new MessageTypeRegistry();
        var serializer = new JsonMessageSerializer();
        InputTypes.Register<PaymentReceived>(registry);
        await using var services = new ServiceCollection().AddScoped<IPipelineHandler<PaymentReceived>, BookPayments>().BuildServiceProvider();
        var processor = new RecordProcessor<PaymentReceived>(
            settings,
            new ScopedHandlerAttempt<PaymentReceived>(services.GetRequiredService<IServiceScopeFactory>()),
            registry,
            serializer,
            new OutputRecordFactory(registry, serializer, settings.Source, TimeProvider.System),
            new DeadLetterRecordFactory(settings.DeadLetterTopic, group, TimeProvider.System),
            TimeProvider.System,
            NullLogger.Instance);

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(options.Kafka.CreateProducerConfig()).Build();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(options.Kafka.CreateConsumerConfig(group)).Build();
        consumer.Subscribe(InputTopic);
        var offsets = new Dictionary<TopicPartition, TopicPartitionOffset>();
        var consumed = 0;
        var nextCommit = DateTime.UtcNow.AddMilliseconds(CommitIntervalMs);
        while (consumed < Records || offsets.Count > 0)
        {
            if (consumed < Records && consumer.Consume(TimeSpan.FromMilliseconds(50)) is { } record)
            {
                foreach (var output in (await processor.ProcessAsync(record, CancellationToken.None)).Records)
                {
                    producer.Produce(output.Topic, output.Message);
                }

                offsets[record.TopicPartition] = new TopicPartitionOffset(record.TopicPartition, record.Offset + 1);
                consumed++;
            }

            if (offsets.Count > 0 && (DateTime.UtcNow >= nextCommit || consumed == Records))
            {
                // At least once: the outputs are acknowledged before the offsets that cover them are committed.
                producer.Flush(TimeSpan.FromSeconds(30));
                consumer.Commit(offsets.Values);
                offsets.Clear();
                nextCommit = DateTime.UtcNow.AddMilliseconds(CommitIntervalMs);
            }
        }

        consumer.Close();
    }

    [Benchmark(Description = "exactly-once (transactions)")]
    public async Task ExactlyOnce()
    {
        var group = NextGroup();
        var services = new ServiceCollection();
        services.AddTransactionalPipeline<PaymentReceived, BookPayments>(group, options => Configure(options, group));
        await RunPipelineAsync(services, group);
    }

    [Benchmark(Description = "exactly-once + SQLite (WithDatabase)")]
    public async Task ExactlyOnceWithDatabase()
    {
        var group = NextGroup();
        var services = new ServiceCollection();
        services.AddDbContext<BookingDbContext>(o => o.UseSqlite(DatabaseConnection));
        services.AddTransactionalPipeline<PaymentReceived, BookPaymentsInDatabase>(group, options => Configure(options, group))
            .WithDatabase<BookingDbContext>(o => o.ProcessedEventRetention = null);
        await RunPipelineAsync(services, group);
    }

    private async Task RunPipelineAsync(ServiceCollection services, string group)
    {
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
            await Task.Delay(5);
        }

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Each operation takes about a second against a broker in this process: a few measured runs, no child process.</summary>
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

    private string NextGroup() => $"benchmark-{CommitIntervalMs}-{Interlocked.Increment(ref _run)}";

    private TransactionalPipelineOptions Options(string group)
    {
        var options = new TransactionalPipelineOptions();
        Configure(options, group);
        return options;
    }

    private void Configure(TransactionalPipelineOptions options, string group)
    {
        options.Kafka.BootstrapServers = _broker.BootstrapServers;
        options.Topics.Add(InputTopic);
        options.InstanceId = group;
        options.CommitInterval = TimeSpan.FromMilliseconds(CommitIntervalMs);
        options.MaxBatchSize = Records;
    }
}
