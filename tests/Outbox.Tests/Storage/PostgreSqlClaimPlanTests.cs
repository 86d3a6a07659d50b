using Dapper;
using Microsoft.EntityFrameworkCore;
using Outbox.Internal.Storage;
using Outbox.Tests.Support;

namespace Outbox.Tests.Storage;

/// <summary>
/// PostgreSQL's plan for the claim when statistics were taken during a backlog: the claim must still read
/// unpublished rows through the partial index, not walk the primary key over every row published since.
/// </summary>
public sealed class PostgreSqlClaimPlanTests(PostgreSqlFixture fixture) : IClassFixture<PostgreSqlFixture>
{
    [Fact]
    public async Task A_backlog_analysed_before_it_drains_is_claimed_through_the_partial_index()
    {
        fixture.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var context = fixture.CreateContext();
        var dialect = OutboxSqlDialects.For(context.Database.ProviderName, OutboxTables.From(context.Model));
        await context.Set<OutboxRecord>().ExecuteDeleteAsync(ct);

        await context.Database.OpenConnectionAsync(ct);
        var connection = context.Database.GetDbConnection();

        // One lane, 20,000 rows of 1 KiB, analysed while all are unpublished, then three quarters published.
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO {dialect.Messages} (lane, topic, message_key, event_id, message_type, headers, payload, created_at)
            SELECT 0, 'orders', 'k', gen_random_uuid(), 'orders.order-placed', '{"{}"}', decode(repeat('78', 1024), 'hex'), now()
            FROM generate_series(1, 20000)
            """, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition($"ANALYZE {dialect.Messages}", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {dialect.Messages} SET published_at = now() WHERE id < (SELECT min(id) + 15000 FROM {dialect.Messages})", cancellationToken: ct));

        var plan = string.Join('\n', await connection.QueryAsync<string>(new CommandDefinition(
            "EXPLAIN " + dialect.ClaimBatch, new { lane = 0, limit = 200, unmarked = Array.Empty<long>() }, cancellationToken: ct)));

        Assert.Contains("Index Scan using ix_outbox_messages_unpublished", plan, StringComparison.Ordinal);
    }
}
