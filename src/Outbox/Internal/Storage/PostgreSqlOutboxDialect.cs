namespace Outbox.Internal.Storage;

/// <summary>
/// PostgreSQL. Claims use <c>FOR UPDATE SKIP LOCKED</c> in a statement of their own: rows are only
/// ever locked by a statement that publishes, fails or deletes them, so skipping a locked row never
/// skips one that still needs publishing, and the claim never waits behind such a statement.
/// The claim names its lane as <c>lane = ANY(ARRAY[@lane])</c> and orders by <c>lane, id</c>: with a plain
/// equality the planner treats the lane as a constant and may order by the primary key instead, filtering
/// out published rows one by one, which it prefers whenever statistics were taken during a backlog (one or
/// two lanes, most rows unpublished); each claim would then read every row published so far. This way only
/// the partial index on unpublished rows gives the order.
/// </summary>
internal sealed class PostgreSqlOutboxDialect(OutboxTables tables) : OutboxSqlDialect(tables)
{
    public override string Name => "PostgreSQL";

    public override string ClaimBatch => $"""
        SELECT id AS Id, topic AS Topic, message_key AS MessageKey, headers AS Headers, payload AS Payload
        FROM {Messages}
        WHERE lane = ANY(ARRAY[@lane]) AND published_at IS NULL AND failed_at IS NULL AND id <> ALL(@unmarked)
        ORDER BY lane, id
        LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;

    public override string MarkPublished => $"UPDATE {Messages} SET published_at = @now WHERE id = ANY(@ids) AND published_at IS NULL";

    public override string MarkFailed => $"UPDATE {Messages} SET failed_at = @now, failure_reason = @reason WHERE id = @id";

    public override string DeletePublished => $"""
        DELETE FROM {Messages} WHERE id IN (
            SELECT id FROM {Messages} WHERE published_at < @cutoff ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED)
        """;

    public override string EnsureLease => $"INSERT INTO {Leases} (name, owner, expires_at) VALUES (@name, NULL, @never) ON CONFLICT (name) DO NOTHING";

    public override string AcquireLease => $"""
        UPDATE {Leases} SET owner = @owner, expires_at = @expires
        WHERE name = @name AND (owner = @owner OR owner IS NULL OR expires_at < @now)
        """;

    protected override string Quote(string identifier) => $"\"{identifier}\"";
}
