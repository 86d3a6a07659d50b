using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka;
using Outbox.Internal.Relay;
using Outbox.Internal.Storage;
using Outbox.Messaging;
using IHost = Microsoft.Extensions.Hosting.IHost;

namespace Outbox.Benchmarks;

/// <summary>
/// Relay throughput, side by side, 1 KiB payloads, one lane, the same batch size:
/// (a) <see cref="Relay"/>, the framework's relay; (b) <see cref="MinimalLoop"/>, a hand-written loop with
/// the same SQL and transactional producer but no leases, checkpoints or hosting (the limit);
/// (c) <see cref="RawProducer"/>, the transactional producer alone. Per-message times are reported, so
/// msgs/s = 1 / mean; a/b and a/c are the ratios of those. Message count: OUTBOX_BENCH_MESSAGES (100,000).
/// </summary>
[Config(typeof(InProcessMonitoringConfig))]
public class RelayThroughput
{
    public const int Messages = 100_000;
    private const int BatchSize = 200;
    private static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("OUTBOX_BENCH_MESSAGES"), out var n) ? n : Messages;
    private static readonly string Data = new('x', 1024 - 40);

    private EmbeddedKafkaBroker _broker = null!;
    private string _connectionString = string.Empty;
    private string _run = string.Empty;

    [ParamsSource(nameof(Databases))]
    public string Database { get; set; } = "SQLite";

    public static IEnumerable<string> Databases() =>
        Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING") is { Length: > 0 } ? ["SQLite", "PostgreSQL"] : ["SQLite"];

    [GlobalSetup]
    public async Task StartBrokerAsync() => _broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 });

    [GlobalCleanup]
    public async Task StopBrokerAsync() => await _broker.DisposeAsync();

    [IterationSetup]
    public void FillOutbox() => FillOutboxAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public async Task Relay()
    {
        using var host = BuildHost(relay: true);
        await host.StartAsync();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
            var connection = context.Database.GetDbConnection();
            await context.Database.OpenConnectionAsync();
            var sql = $"SELECT COUNT(*) FROM {Dialect(context).Messages} WHERE published_at IS NULL";
            while (await connection.ExecuteScalarAsync<long>(sql) > 0)
            {
                await Task.Delay(5);
            }
        }

        await host.StopAsync();
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task MinimalLoop()
    {
        using var host = BuildHost(relay: false);
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
        var store = new OutboxStore(Dialect(context));
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync();
        using var producer = new ProducerBuilder<string?, byte[]>(Kafka().CreateTransactionalProducerConfig(_run + "-minimal")).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        while (true)
        {
            var batch = await store.ClaimBatchAsync(connection, 0, BatchSize, CancellationToken.None);
            if (batch.Count == 0)
            {
                break;
            }

            producer.BeginTransaction();
            foreach (var message in batch)
            {
                producer.Produce(message.Topic, new Message<string?, byte[]> { Key = message.MessageKey, Value = message.Payload });
            }

            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            await store.MarkPublishedAsync(connection, batch.Select(m => m.Id).ToArray(), DateTime.UtcNow, CancellationToken.None);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void RawProducer()
    {
        using var producer = new ProducerBuilder<string?, byte[]>(Kafka().CreateTransactionalProducerConfig(_run + "-raw")).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        var value = System.Text.Encoding.UTF8.GetBytes(Data);
        for (var sent = 0; sent < Count; sent += BatchSize)
        {
            producer.BeginTransaction();
            for (var i = sent; i < Math.Min(Count, sent + BatchSize); i++)
            {
                producer.Produce(_run + ".raw", new Message<string?, byte[]> { Key = "key-" + (i % 100), Value = value });
            }

            producer.CommitTransaction(TimeSpan.FromSeconds(30));
        }
    }

    private async Task FillOutboxAsync()
    {
        _run = "bench" + Guid.NewGuid().ToString("N")[..8];
        _connectionString = Database == "SQLite"
            ? $"Data Source={Path.Combine(Path.GetTempPath(), _run + ".db")};Pooling=False"
            : await CreatePostgreSqlDatabaseAsync(_run);
        using var host = BuildHost(relay: false);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
            await context.Database.EnsureCreatedAsync();
        }

        for (var written = 0; written < Count; written += 1000)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            for (var i = written; i < Math.Min(Count, written + 1000); i++)
            {
                outbox.Add(new Payload("key-" + (i % 100), i, Data), "key-" + (i % 100));
            }

            await scope.ServiceProvider.GetRequiredService<BenchContext>().SaveChangesAsync();
        }
    }

    private IHost BuildHost(bool relay)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<BenchContext>(o =>
        {
            if (Database == "SQLite")
            {
                o.UseSqlite(_connectionString);
            }
            else
            {
                o.UseNpgsql(_connectionString);
            }
        });
        builder.Services.AddOutbox<BenchContext>(o =>
        {
            o.EnableRelay = relay;
            o.Kafka.BootstrapServers = _broker.BootstrapServers;
            o.LaneCount = 1;
            o.BatchSize = BatchSize;
            o.TransactionalIdPrefix = _run + "-relay-";
            o.CheckpointTopic = _run + "-checkpoints";
            o.MapTopic<Payload>(_run + ".payloads");
        });
        return builder.Build();
    }

    private KafkaClientOptions Kafka() => new() { BootstrapServers = _broker.BootstrapServers };

    private static OutboxSqlDialect Dialect(DbContext context) =>
        OutboxSqlDialects.For(context.Database.ProviderName, OutboxTables.From(context.Model));

    private static async Task<string> CreatePostgreSqlDatabaseAsync(string name)
    {
        var server = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING")!;
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
