using System.Data.Common;
using Dapper;

namespace Outbox.Internal.Storage;

/// <summary>Runs a dialect's statements with Dapper on a connection the caller opened.</summary>
internal sealed class OutboxStore(OutboxSqlDialect dialect)
{
    public OutboxSqlDialect Dialect => dialect;

    /// <summary>Up to <paramref name="limit"/> of the lane's oldest unpublished rows whose id is not in <paramref name="unmarked"/>.</summary>
    public async Task<IReadOnlyList<ClaimedMessage>> ClaimBatchAsync(DbConnection connection, int lane, int limit, long[] unmarked, CancellationToken cancellationToken)
    {
        // Dynamic, so Dapper looks at the bound value itself: an id array (PostgreSQL binds it whole, SQLite one
        // parameter per id) or SQL Server's JSON text.
        var parameters = new DynamicParameters(new { lane, limit });
        parameters.Add("unmarked", dialect.IdListValue(unmarked));
        var rows = await connection.QueryAsync<ClaimedMessage>(
            new CommandDefinition(dialect.ClaimBatch, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>The most ids bound to one statement: SQL Server accepts at most 2,100 parameters.</summary>
    public const int MaxIdsPerStatement = 2000;

    public async Task<int> MarkPublishedAsync(DbConnection connection, IReadOnlyCollection<long> ids, DateTime now, CancellationToken cancellationToken)
    {
        var marked = 0;
        foreach (var chunk in ids.Chunk(MaxIdsPerStatement))
        {
            marked += await connection.ExecuteAsync(
                new CommandDefinition(dialect.MarkPublished, new { ids = chunk, now }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return marked;
    }

    public Task<int> MarkFailedAsync(DbConnection connection, long id, string reason, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(dialect.MarkFailed, new { id, now, reason }, cancellationToken: cancellationToken));

    public Task<int> DeletePublishedAsync(DbConnection connection, DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(dialect.DeletePublished, new { cutoff, limit }, cancellationToken: cancellationToken));

    public async Task EnsureLeasesAsync(DbConnection connection, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                dialect.EnsureLease, new { name, never = OutboxSqlDialect.NeverHeld }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task<bool> TryAcquireLeaseAsync(DbConnection connection, string name, string owner, DateTime now, DateTime expires, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            dialect.AcquireLease, new { name, owner, now, expires }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;

    public async Task<bool> RenewLeaseAsync(DbConnection connection, string name, string owner, DateTime expires, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            dialect.RenewLease, new { name, owner, expires }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;

    public Task ReleaseLeaseAsync(DbConnection connection, string name, string owner, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            dialect.ReleaseLease, new { name, owner, never = OutboxSqlDialect.NeverHeld }, cancellationToken: cancellationToken));

    public async Task<int> CountLiveRelaysAsync(DbConnection connection, DateTime now, CancellationToken cancellationToken) =>
        Convert.ToInt32(await connection.ExecuteScalarAsync(new CommandDefinition(
            dialect.CountLiveRelays, new { now }, cancellationToken: cancellationToken)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
}
