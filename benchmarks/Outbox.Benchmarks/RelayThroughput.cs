using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Outbox.Diagnostics;
using Outbox.EmbeddedKafka;
using Outbox.Internal.Relay;
using Outbox.Internal.Storage;
using Outbox.Messaging;
using Outbox.Testing.Databases;
using IHost = Microsoft.Extensions.Hosting.IHost;

namespace Outbox.Benchmarks;

/// <summary>
/// Relay throughput, side by side, 1 KiB payloads, one lane, the same batch size:
/// (a) <see cref="Relay"/>, the framework's relay; (b) <see cref="MinimalLoop"/>, a hand-written loop with
/// the same SQL and transactional producer but no leases, checkpoints or hosting (the limit);
/// (c) <see cref="RawProducer"/>, the transactional producer alone. One invocation relays the whole outbox, so the
/// mean is the time for <see cref="Count"/> messages and the Msgs/s column divides by it; the ratio column is
/// per invocation, which is the same for all three. Message count: OUTBOX_BENCH_MESSAGES (default 100,000); one
/// database only: OUTBOX_BENCH_DATABASE (SQLite or PostgreSQL).
/// PostgreSQL: POSTGRES_CONNECTION_STRING, or the throwaway cluster of the shared test fixture.
/// </summary>
[Config(typeof(InProcessMonitoringConfig))]
public class RelayThroughput
{
    private const int BatchSize = 200;

    /// <summary>Messages relayed per invocation.</summary>
    public static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("OUTBOX_BENCH_MESSAGES"), out var n) ? n : 100_000;
    private static readonly string Data = new('x', 1024 - 40);

    private EmbeddedKafkaBroker _broker = null!;
    private string _connectionString = string.Empty;
    private string _run = string.Empty;

    [ParamsSource(nameof(Databases))]
    public string Database { get; set; } = "SQLite";

    /// <summary>SQLite and PostgreSQL, or only the one OUTBOX_BENCH_DATABASE names.</summary>
    public static IEnumerable<string> Databases() =>
        Environment.GetEnvironmentVariable("OUTBOX_BENCH_DATABASE") is { Length: > 0 } only ? [only] : ["SQLite", "PostgreSQL"];

    [GlobalSetup]
    public async Task StartBrokerAsync() => _broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 });

    [GlobalCleanup]
    public async Task StopBrokerAsync() => await _broker.DisposeAsync();

    [IterationSetup(Targets = [nameof(Relay), nameof(MinimalLoop)])]
    public void FillOutbox() => FillOutboxAsync().GetAwaiter().GetResult();

    /// <summary>The raw producer needs no outbox, only names of its own.</summary>
    [IterationSetup(Target = nameof(RawProducer))]
    public void NameRun() => _run = NewRunName();

    /// <summary>
    /// Each iteration's database goes once it is measured, so the next one neither shares the server with
    /// autovacuum working through 100,000 old rows nor finds a disk full of them.
    /// </summary>
    [IterationCleanup(Targets = [nameof(Relay), nameof(MinimalLoop)])]
    public void DropOutbox() => DropOutboxAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public async Task Relay()
    {
        // Counting the unpublished rows walks the index over every row marked so far, a cost the minimal loop does not
        // pay: the count starts only once the relay's metric says every message is committed to Kafka.
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long published = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OutboxTelemetry.MeterName && instrument.Name == "outbox.messages.published")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Interlocked.Add(ref published, value) >= Count)
            {
                committed.TrySetResult();
            }
        });
        listener.Start();

        using var host = BuildHost(relay: true);
        await host.StartAsync();
        await committed.Task;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
            var connection = context.Database.GetDbConnection();
            await context.Database.OpenConnectionAsync();
            // Then until the last marks are in: the predicate of the partial index on unpublished rows, an index count.
            var sql = $"SELECT COUNT(*) FROM {Dialect(context).Messages} WHERE published_at IS NULL AND failed_at IS NULL";
            while (await connection.ExecuteScalarAsync<long>(sql) > 0)
            {
                await Task.Delay(5);
            }
        }

        await host.StopAsync();
    }

    [Benchmark]
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
            var batch = await store.ClaimBatchAsync(connection, 0, BatchSize, [], CancellationToken.None);
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

    [Benchmark]
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
        _run = NewRunName();
        _connectionString = Database == "SQLite"
            ? $"Data Source={Path.Combine(Path.GetTempPath(), _run + ".db")}"
            : await PostgreSqlServer.CreateDatabaseAsync(_run);
        using var host = BuildHost(relay: false);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
            await context.Database.EnsureCreatedAsync();
            if (Database == "SQLite")
            {
                // The setting the README recommends for SQLite beside a relay: readers never block the writer.
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
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

        if (Database == "PostgreSQL")
        {
            // Both relays start from a vacuumed, analysed table: no autovacuum of the fill runs in the timed part,
            // and the claim's plan is made for the table's real size.
            await using var scope = host.Services.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
            var vacuum = "VACUUM (ANALYZE) " + Dialect(context).Messages;
            await context.Database.ExecuteSqlRawAsync(vacuum);
        }
    }

    private async Task DropOutboxAsync()
    {
        if (Database == "SQLite")
        {
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(_connectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        var server = new NpgsqlConnectionStringBuilder(_connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{_run}\" WITH (FORCE)");
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

    private static string NewRunName() => "bench" + Guid.NewGuid().ToString("N")[..8];

    private KafkaClientOptions Kafka() => new() { BootstrapServers = _broker.BootstrapServers };

    private static OutboxSqlDialect Dialect(DbContext context) =>
        OutboxSqlDialects.For(context.Database.ProviderName, OutboxTables.From(context.Model));
}
