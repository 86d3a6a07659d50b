using Microsoft.EntityFrameworkCore;
using Outbox.Testing.Databases;
using Xunit;

namespace Outbox.Inbox.Tests.Support;

/// <summary>A throwaway database of one provider, with the shop schema created.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _file;

    private TestDatabase(string provider, Action<DbContextOptionsBuilder> configure, string? file)
    {
        Provider = provider;
        Configure = configure;
        _file = file;
    }

    public string Provider { get; }

    public Action<DbContextOptionsBuilder> Configure { get; }

    public static async Task<TestDatabase> SqliteAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"inbox-{Guid.NewGuid():N}.db");
        var database = new TestDatabase("sqlite", o => o.UseSqlite($"Data Source={file};Default Timeout=60"), file);
        await database.CreateSchemaAsync();
        return database;
    }

    public static async Task<TestDatabase> PostgresAsync() => await PostgresOnAsync(await CreatePostgresDatabaseAsync());

    /// <summary>A new empty PostgreSQL database from the shared server; skips, or fails when OUTBOX_REQUIRE names postgres, without one.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        try
        {
            return await PostgreSqlServer.CreateDatabaseAsync("inbox_" + Guid.NewGuid().ToString("N"), TestContext.Current.CancellationToken);
        }
        catch (DatabaseUnavailableException e)
        {
            if (e.Required)
            {
                Assert.Fail(e.Message);
            }

            Assert.Skip(e.Message);
            throw;
        }
    }

    public static async Task<TestDatabase> PostgresOnAsync(string connectionString)
    {
        var database = new TestDatabase("postgres", o => o.UseNpgsql(connectionString), null);
        await database.CreateSchemaAsync();
        return database;
    }

    public static Task<TestDatabase> CreateAsync(string provider) =>
        provider == "postgres" ? PostgresAsync() : SqliteAsync();

    public ShopDbContext NewContext()
    {
        var builder = new DbContextOptionsBuilder<ShopDbContext>();
        Configure(builder);
        return new ShopDbContext(builder.Options);
    }

    public ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(_file);
        }

        return ValueTask.CompletedTask;
    }

    private async Task CreateSchemaAsync()
    {
        await using var context = NewContext();
        await context.Database.EnsureCreatedAsync();
    }
}
