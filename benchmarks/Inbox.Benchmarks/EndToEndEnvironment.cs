using Microsoft.EntityFrameworkCore;
using Npgsql;
using Outbox.EmbeddedKafka;
using Outbox.Testing.Databases;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// What the end-to-end benchmarks run against: an EmbeddedKafka broker in this process with one topic of one
/// partition filled once, and a PostgreSQL database holding the inbox tables (POSTGRES_CONNECTION_STRING, or the
/// throwaway cluster the shared test fixture starts from the server binaries).
/// </summary>
internal sealed class EndToEndEnvironment : IAsyncDisposable
{
    public const string Topic = "bench-orders";

    private EndToEndEnvironment(EmbeddedKafkaBroker broker, string connectionString)
    {
        Broker = broker;
        ConnectionString = connectionString;
    }

    public EmbeddedKafkaBroker Broker { get; }

    public string ConnectionString { get; }

    public static async Task<EndToEndEnvironment> StartAsync(string database, int records, int keys)
    {
        var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 1 }).ConfigureAwait(false);
        await BenchmarkTopic.FillAsync(broker.BootstrapServers, Topic, records, keys).ConfigureAwait(false);

        // BenchmarkDotNet runs the global setup once per benchmark case; a database of its own per case keeps one
        // case's re-creation from terminating the pooled connections of another.
        var name = $"{database}_{Guid.NewGuid():N}";

        // Room for MaxDegreeOfParallelism 32 transactions at once (the fixture's default pool holds 20), and the
        // settings the inbox README recommends for a PostgreSQL inbox: no session reset when a pooled connection is
        // reused, and the inbox's claim statement prepared once per connection instead of parsed for every record.
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgreSqlServer.CreateDatabaseAsync(name).ConfigureAwait(false))
        {
            MaxPoolSize = 64,
            NoResetOnClose = true,
            MaxAutoPrepare = 20,
        }.ConnectionString;
        await using var db = new BenchmarkDbContext(new DbContextOptionsBuilder<BenchmarkDbContext>().UseNpgsql(connectionString).Options);
        await db.Database.EnsureCreatedAsync().ConfigureAwait(false);
        return new EndToEndEnvironment(broker, connectionString);
    }

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        return Broker.DisposeAsync();
    }
}
