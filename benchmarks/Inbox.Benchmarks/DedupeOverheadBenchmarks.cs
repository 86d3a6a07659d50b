using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Inbox.Internal.Handlers;
using Outbox.Inbox.Internal.Pipeline.Dedupe;
using Outbox.Inbox.Internal.Pipeline.Deserialize;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// The cost the inbox adds per message: a handler writing one row in its own transaction (baseline) against
/// the same handler run by the inbox, which also checks and inserts the inbox row and the key's block state.
/// </summary>
[MemoryDiagnoser]
public class DedupeOverheadBenchmarks
{
    private ServiceProvider? _services;
    private string? _sqliteFile;
    private long _offset;

    public static IEnumerable<string> Providers =>
        Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING") is { Length: > 0 } ? ["sqlite", "postgres"] : ["sqlite"];

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddDbContext<BenchmarkDbContext>(o =>
        {
            if (Provider == "postgres")
            {
                o.UseNpgsql(Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING"));
            }
            else
            {
                _sqliteFile ??= Path.Combine(Path.GetTempPath(), $"inbox-bench-{Guid.NewGuid():N}.db");
                o.UseSqlite($"Data Source={_sqliteFile}");
            }
        });
        services.AddInbox<BenchmarkDbContext>(o =>
        {
            o.ConsumerGroup = "bench-" + Guid.NewGuid().ToString("N");
            o.Kafka.BootstrapServers = "127.0.0.1:9";
            o.Subscribe("orders");
        }).AddHandler<Ping, PingHandler>();
        _services = services.BuildServiceProvider();
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BenchmarkDbContext>();
        db.Database.EnsureDeleted();
        db.Database.EnsureCreated();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(_sqliteFile);
        }
    }

    [Benchmark(Baseline = true)]
    public async Task Handler_alone_in_its_own_transaction()
    {
        await using var scope = _services!.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BenchmarkDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Pings.Add(new PingRow { Id = Guid.CreateVersion7() });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    [Benchmark]
    public async Task Handler_run_by_the_inbox_with_dedupe()
    {
        var eventId = Guid.CreateVersion7();
        var record = new ConsumedRecord { Topic = "orders", Partition = 0, Offset = Interlocked.Increment(ref _offset), Timestamp = Timestamp.Default, Key = "order-1" };
        var decoded = new DecodedRecord(record, eventId, "bench.ping", typeof(Ping), new Ping());
        var handlers = _services!.GetRequiredService<HandlerCatalog>().For(typeof(Ping));
        await _services!.GetRequiredService<TransactionalHandler>().HandleAsync(decoded, 1, handlers, CancellationToken.None);
    }
}

public sealed class Ping;

public sealed class PingRow
{
    public Guid Id { get; set; }
}

public sealed class PingHandler(BenchmarkDbContext db) : IMessageHandler<Ping>
{
    public Task HandleAsync(Ping message, MessageContext context, CancellationToken cancellationToken)
    {
        db.Pings.Add(new PingRow { Id = Guid.CreateVersion7() });
        return Task.CompletedTask;
    }
}

public sealed class BenchmarkDbContext(DbContextOptions<BenchmarkDbContext> options) : DbContext(options)
{
    public DbSet<PingRow> Pings => Set<PingRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PingRow>().HasKey(p => p.Id);
        modelBuilder.AddInboxTables();
    }
}
