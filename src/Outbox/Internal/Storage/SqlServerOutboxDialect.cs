namespace Outbox.Internal.Storage;

/// <summary>
/// SQL Server. <c>READPAST</c> lets the claim pass rows that an uncommitted transaction is still
/// inserting (their aggregate's later rows cannot exist yet, so order holds) instead of blocking on
/// them; <c>UPDLOCK, ROWLOCK</c> keep the claim and the updates to row locks.
/// </summary>
internal sealed class SqlServerOutboxDialect(OutboxTables tables) : OutboxSqlDialect(tables)
{
    public override string Name => "SQL Server";

    public override string ClaimBatch => $"""
        SELECT TOP (@limit) id AS Id, topic AS Topic, message_key AS MessageKey, headers AS Headers, payload AS Payload
        FROM {Messages} WITH (READPAST, UPDLOCK, ROWLOCK)
        WHERE lane = @lane AND published_at IS NULL AND failed_at IS NULL
            AND id NOT IN (SELECT CAST([value] AS bigint) FROM OPENJSON(@unmarked))
        ORDER BY id
        """;

    public override string MarkPublished => $"UPDATE {Messages} WITH (ROWLOCK) SET published_at = @now WHERE id IN @ids AND published_at IS NULL";

    public override string MarkFailed => $"UPDATE {Messages} WITH (ROWLOCK) SET failed_at = @now, failure_reason = @reason WHERE id = @id";

    public override string DeletePublished => $"DELETE TOP (@limit) FROM {Messages} WITH (READPAST, ROWLOCK) WHERE published_at < @cutoff";

    public override string EnsureLease => $"""
        INSERT INTO {Leases} (name, owner, expires_at)
        SELECT @name, NULL, @never
        WHERE NOT EXISTS (SELECT 1 FROM {Leases} WITH (UPDLOCK, HOLDLOCK) WHERE name = @name)
        """;

    public override string AcquireLease => $"""
        UPDATE {Leases} WITH (ROWLOCK, READPAST) SET owner = @owner, expires_at = @expires
        WHERE name = @name AND (owner = @owner OR owner IS NULL OR expires_at < @now)
        """;

    /// <summary>
    /// One JSON array rather than a parameter per id: up to three batches of 2,000 ids would pass SQL Server's
    /// 2,100 parameters (OPENJSON needs compatibility level 130, SQL Server 2016).
    /// </summary>
    public override object IdListValue(long[] ids) => "[" + string.Join(',', ids) + "]";

    protected override string Quote(string identifier) => $"[{identifier.Replace("]", "]]", StringComparison.Ordinal)}]";
}
