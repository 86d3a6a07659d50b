namespace Outbox.Internal.Storage;

/// <summary>
/// The hot SQL of one database: capture's insert, the relay's claim, mark and lease statements, and
/// cleanup. Everything is text built once from the model's table names, so each dialect can be read
/// (and tested) as SQL. Parameters are named <c>@…</c>, which all three providers accept.
/// </summary>
internal abstract class OutboxSqlDialect
{
    /// <summary>A time before any lease: what a released or new lease expires at.</summary>
    public static readonly DateTime NeverHeld = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    protected OutboxSqlDialect(OutboxTables tables)
    {
        Messages = Qualify(tables.Schema, tables.Messages);
        Leases = Qualify(tables.Schema, tables.Leases);
    }

    public abstract string Name { get; }

    /// <summary>The quoted, schema-qualified outbox table.</summary>
    public string Messages { get; }

    /// <summary>The quoted, schema-qualified lease table.</summary>
    public string Leases { get; }

    public string InsertMessage => $"""
        INSERT INTO {Messages} (lane, topic, message_key, event_id, message_type, headers, payload, created_at)
        VALUES (@lane, @topic, @message_key, @event_id, @message_type, @headers, @payload, @created_at)
        """;

    /// <summary>
    /// The lane's oldest unpublished rows in insertion order, leaving out the ids bound by
    /// <see cref="IdListValue"/> (rows already in Kafka whose mark is still to come): <c>@lane</c>, <c>@limit</c>,
    /// <c>@unmarked</c>.
    /// </summary>
    public abstract string ClaimBatch { get; }

    /// <summary>Marks rows published; rows already published keep their time: <c>@ids</c>, <c>@now</c>.</summary>
    public abstract string MarkPublished { get; }

    /// <summary>Records why a row can never be published: <c>@id</c>, <c>@now</c>, <c>@reason</c>.</summary>
    public abstract string MarkFailed { get; }

    /// <summary>Deletes up to <c>@limit</c> rows published before <c>@cutoff</c>.</summary>
    public abstract string DeletePublished { get; }

    /// <summary>Creates lease <c>@name</c> unless it exists: <c>@name</c>, <c>@never</c>.</summary>
    public abstract string EnsureLease { get; }

    /// <summary>Takes lease <c>@name</c> for <c>@owner</c> until <c>@expires</c> if it is free, expired or already ours at <c>@now</c>.</summary>
    public abstract string AcquireLease { get; }

    /// <summary>Extends lease <c>@name</c> to <c>@expires</c> only while <c>@owner</c> still holds it.</summary>
    public virtual string RenewLease => $"UPDATE {Leases} SET expires_at = @expires WHERE name = @name AND owner = @owner";

    /// <summary>Gives lease <c>@name</c> up so another instance can take it at once.</summary>
    public virtual string ReleaseLease => $"UPDATE {Leases} SET owner = NULL, expires_at = @never WHERE name = @name AND owner = @owner";

    /// <summary>Counts relay instances whose heartbeat has not expired at <c>@now</c>.</summary>
    public virtual string CountLiveRelays => $"SELECT COUNT(*) FROM {Leases} WHERE name LIKE 'relay:%' AND expires_at > @now";

    /// <summary>The value bound for a GUID column (SQLite stores them as text, the others natively).</summary>
    public virtual object EventIdValue(Guid id) => id;

    /// <summary>The value bound for a list of ids in <see cref="ClaimBatch"/>.</summary>
    public virtual object IdListValue(long[] ids) => ids;

    protected abstract string Quote(string identifier);

    private string Qualify(string? schema, string table) => schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";
}
