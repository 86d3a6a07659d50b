using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Testing.Databases;

namespace Outbox.Tests.Support;

/// <summary>
/// One database of one dialect for one test class: created with the outbox tables on start, or
/// unavailable with the reason (a skip, or a failure where OUTBOX_REQUIRE demands the database).
/// </summary>
public abstract class OutboxDatabaseFixture : IAsyncLifetime
{
    private DatabaseUnavailableException? _unavailable;

    public string ConnectionString { get; private set; } = string.Empty;

    public abstract string Dialect { get; }

    public abstract void Configure(DbContextOptionsBuilder builder);

    public async ValueTask InitializeAsync()
    {
        try
        {
            ConnectionString = await CreateDatabaseAsync(GetType().Name.ToLowerInvariant() + "_" + Guid.NewGuid().ToString("N")[..8]);
        }
        catch (DatabaseUnavailableException e)
        {
            _unavailable = e;
            return;
        }

        await using var context = CreateContext();
        await context.Database.EnsureCreatedAsync();
        await PrepareAsync(context);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Skips (or fails, when required) a test whose database is missing.</summary>
    public void Require()
    {
        if (_unavailable is { } e)
        {
            if (e.Required)
            {
                Assert.Fail(e.Message);
            }

            Assert.Skip(e.Message);
        }
    }

    public OrdersContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<OrdersContext>();
        Configure(builder);
        builder.UseOutbox();
        return new OrdersContext(builder.Options);
    }

    /// <summary>Services with the outbox registered for <see cref="OrdersContext"/>; the relay is left to the caller.</summary>
    public ServiceCollection CreateServices(Action<OutboxOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<OrdersContext>(Configure);
        services.AddOutbox<OrdersContext>(o =>
        {
            o.EnableRelay = false;
            o.Source = "/tests";
            configure?.Invoke(o);
        });
        return services;
    }

    protected abstract Task<string> CreateDatabaseAsync(string name);

    protected virtual Task PrepareAsync(OrdersContext context) => Task.CompletedTask;
}

public sealed class SqliteFixture : OutboxDatabaseFixture
{
    public override string Dialect => "SQLite";

    public override void Configure(DbContextOptionsBuilder builder) => builder.UseSqlite(ConnectionString);

    protected override Task<string> CreateDatabaseAsync(string name) => Task.FromResult(SqliteDatabase.Create(name));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (path.Length > 0 && File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }

    // Readers (the relay) and the writer (the application) then do not block each other.
    protected override Task PrepareAsync(OrdersContext context) => context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
}

public sealed class PostgreSqlFixture : OutboxDatabaseFixture
{
    public override string Dialect => "PostgreSQL";

    public override void Configure(DbContextOptionsBuilder builder) => builder.UseNpgsql(ConnectionString);

    protected override Task<string> CreateDatabaseAsync(string name) => PostgreSqlServer.CreateDatabaseAsync(name);
}

public sealed class SqlServerFixture : OutboxDatabaseFixture
{
    public override string Dialect => "SQL Server";

    public override void Configure(DbContextOptionsBuilder builder) => builder.UseSqlServer(ConnectionString);

    protected override Task<string> CreateDatabaseAsync(string name) => SqlServerServer.CreateDatabaseAsync(name);
}
