using Microsoft.EntityFrameworkCore;
using Outbox.Testing.Databases;
using Outbox.Transactions.PipelineHost;

namespace Outbox.Transactions.Tests.Support;

/// <summary>
/// A throwaway database of the database pipeline (SQLite file, or a PostgreSQL database of the shared server) with its
/// schema created, and the assertion that each input had its database effect exactly once.
/// </summary>
internal sealed class EnrichmentDatabase : IAsyncDisposable
{
    private readonly string? _file;

    private EnrichmentDatabase(string provider, string connectionString, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _file = file;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Creates the database of <paramref name="provider"/>; without PostgreSQL the test skips (or fails when OUTBOX_REQUIRE names it).</summary>
    public static async Task<EnrichmentDatabase> CreateAsync(string provider)
    {
        EnrichmentDatabase database;
        if (provider == "postgres")
        {
            try
            {
                database = new EnrichmentDatabase(provider, await PostgreSqlServer.CreateDatabaseAsync("pipeline_" + Guid.NewGuid().ToString("N"), TestContext.Current.CancellationToken), null);
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
        else
        {
            var connectionString = SqliteDatabase.Create("pipeline") + ";Default Timeout=60";
            database = new EnrichmentDatabase(provider, connectionString, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource);
        }

        await using var context = database.NewContext();
        await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        return database;
    }

    public EnrichmentDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<EnrichmentDbContext>();
        EnrichmentDbContext.Use(options, Provider, ConnectionString);
        return new EnrichmentDbContext(options.Options);
    }

    /// <summary>
    /// Asserts one <see cref="EnrichedOrder"/> per non-poison input and none for a poison one, each key's total equal to
    /// its non-poison inputs, and one inbox row per non-poison input.
    /// </summary>
    public async Task AssertEffectsExactlyOnceAsync(PipelineKafka kafka, string groupId)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = NewContext();
        var expected = kafka.Inputs.Where(i => !i.Value.Poison).ToList();
        var effects = await context.EnrichedOrders.AsNoTracking().ToListAsync(ct);
        var duplicated = effects.GroupBy(e => e.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        Assert.True(duplicated.Count == 0, $"Database effects applied more than once: {string.Join(", ", duplicated.Take(10))}");
        Assert.Equal(expected.Select(i => i.Key).Order(), effects.Select(e => e.EventId).Order());
        foreach (var effect in effects)
        {
            Assert.Equal((kafka.Inputs[effect.EventId].Key, kafka.Inputs[effect.EventId].Sequence), (effect.Key, effect.Sequence));
        }

        var totals = await context.KeyTotals.AsNoTracking().ToDictionaryAsync(t => t.Key, t => t.Orders, ct);
        var expectedTotals = expected.GroupBy(i => i.Value.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedTotals.OrderBy(t => t.Key), totals.OrderBy(t => t.Key));

        var inboxRows = await context.Database
            .SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM \"InboxProcessedEvents\" WHERE \"ConsumerGroup\" = {groupId}")
            .SingleAsync(ct);
        Assert.Equal(expected.Count, inboxRows);
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
}
