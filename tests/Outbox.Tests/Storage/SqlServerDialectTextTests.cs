using Microsoft.EntityFrameworkCore;
using Outbox.Internal.Storage;
using Outbox.Tests.Support;

namespace Outbox.Tests.Storage;

/// <summary>
/// SQL Server's DDL and hot queries checked as text, so they are covered where no SQL Server can be had
/// (the store specification runs them for real when MSSQL_CONNECTION_STRING or Docker is available).
/// </summary>
public sealed class SqlServerDialectTextTests
{
    private static readonly SqlServerOutboxDialect Dialect = new(new OutboxTables(null, "outbox_messages", "outbox_leases"));

    [Fact]
    public void The_model_creates_both_outbox_tables_with_an_identity_position_and_a_filtered_index()
    {
        using var context = new OrdersContext(new DbContextOptionsBuilder<OrdersContext>().UseSqlServer("Server=unused;Database=unused").Options);

        var script = context.Database.GenerateCreateScript();

        Assert.Contains("CREATE TABLE [outbox_messages]", script, StringComparison.Ordinal);
        Assert.Contains("[id] bigint NOT NULL IDENTITY", script, StringComparison.Ordinal);
        Assert.Contains("[payload] varbinary(max) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("[event_id] uniqueidentifier NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [outbox_leases]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [ix_outbox_messages_unpublished] ON [outbox_messages] ([lane], [id]) WHERE published_at IS NULL AND failed_at IS NULL", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_claim_skips_rows_being_inserted_and_takes_row_locks_only()
    {
        Assert.Contains("SELECT TOP (@limit)", Dialect.ClaimBatch, StringComparison.Ordinal);
        Assert.Contains("FROM [outbox_messages] WITH (READPAST, UPDLOCK, ROWLOCK)", Dialect.ClaimBatch, StringComparison.Ordinal);
        Assert.Contains("WHERE lane = @lane AND published_at IS NULL AND failed_at IS NULL", Dialect.ClaimBatch, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY id", Dialect.ClaimBatch.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_ids_a_claim_leaves_out_are_one_json_parameter_whatever_their_number()
    {
        Assert.Contains("AND id NOT IN (SELECT CAST([value] AS bigint) FROM OPENJSON(@unmarked))", Dialect.ClaimBatch, StringComparison.Ordinal);
        Assert.Equal("[]", Dialect.IdListValue([]));
        Assert.Equal("[7,8,9000000000]", Dialect.IdListValue([7, 8, 9_000_000_000]));
    }

    [Fact]
    public void Updates_and_deletes_use_row_locks_and_cleanup_is_bounded()
    {
        Assert.Equal("UPDATE [outbox_messages] WITH (ROWLOCK) SET published_at = @now WHERE id IN @ids AND published_at IS NULL", Dialect.MarkPublished);
        Assert.Equal("DELETE TOP (@limit) FROM [outbox_messages] WITH (READPAST, ROWLOCK) WHERE published_at < @cutoff", Dialect.DeletePublished);
        Assert.Contains("UPDATE [outbox_leases] WITH (ROWLOCK, READPAST)", Dialect.AcquireLease, StringComparison.Ordinal);
        Assert.Contains("WITH (UPDLOCK, HOLDLOCK)", Dialect.EnsureLease, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_qualifies_every_table()
    {
        var dialect = new SqlServerOutboxDialect(new OutboxTables("messaging", "outbox_messages", "outbox_leases"));

        Assert.Contains("[messaging].[outbox_messages]", dialect.InsertMessage, StringComparison.Ordinal);
        Assert.Contains("[messaging].[outbox_leases]", dialect.RenewLease, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dialect_is_chosen_from_the_provider_and_an_unknown_provider_is_refused()
    {
        var tables = new OutboxTables(null, "m", "l");

        Assert.IsType<SqlServerOutboxDialect>(OutboxSqlDialects.For("Microsoft.EntityFrameworkCore.SqlServer", tables));
        Assert.IsType<PostgreSqlOutboxDialect>(OutboxSqlDialects.For("Npgsql.EntityFrameworkCore.PostgreSQL", tables));
        Assert.IsType<SqliteOutboxDialect>(OutboxSqlDialects.For("Microsoft.EntityFrameworkCore.Sqlite", tables));
        Assert.Throws<NotSupportedException>(() => OutboxSqlDialects.For("Pomelo.EntityFrameworkCore.MySql", tables));
    }
}
