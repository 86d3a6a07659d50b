namespace Outbox.Internal.Storage;

/// <summary>
/// SQLite. A database has one writer at a time, so there are no row locks to skip; the statements
/// are the plain forms. GUIDs are bound as upper-case text, the form EF Core's SQLite provider uses.
/// </summary>
internal sealed class SqliteOutboxDialect(OutboxTables tables) : OutboxSqlDialect(tables)
{
    public override string Name => "SQLite";

    public override string ClaimBatch => $"""
        SELECT id AS Id, topic AS Topic, message_key AS MessageKey, headers AS Headers, payload AS Payload
        FROM {Messages}
        WHERE lane = @lane AND published_at IS NULL AND failed_at IS NULL AND id NOT IN @unmarked
        ORDER BY id
        LIMIT @limit
        """;

    public override string MarkPublished => $"UPDATE {Messages} SET published_at = @now WHERE id IN @ids AND published_at IS NULL";

    public override string MarkFailed => $"UPDATE {Messages} SET failed_at = @now, failure_reason = @reason WHERE id = @id";

    public override string DeletePublished => $"""
        DELETE FROM {Messages} WHERE id IN (
            SELECT id FROM {Messages} WHERE published_at < @cutoff ORDER BY id LIMIT @limit)
        """;

    public override string EnsureLease => $"INSERT INTO {Leases} (name, owner, expires_at) VALUES (@name, NULL, @never) ON CONFLICT (name) DO NOTHING";

    public override string AcquireLease => $"""
        UPDATE {Leases} SET owner = @owner, expires_at = @expires
        WHERE name = @name AND (owner = @owner OR owner IS NULL OR expires_at < @now)
        """;

    public override object EventIdValue(Guid id) => id.ToString().ToUpperInvariant();

    protected override string Quote(string identifier) => $"\"{identifier}\"";
}
