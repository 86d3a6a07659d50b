namespace Outbox.Internal.Storage;

/// <summary>Picks the dialect for an EF Core provider.</summary>
internal static class OutboxSqlDialects
{
    public static OutboxSqlDialect For(string? providerName, OutboxTables tables) => providerName switch
    {
        "Microsoft.EntityFrameworkCore.SqlServer" => new SqlServerOutboxDialect(tables),
        "Npgsql.EntityFrameworkCore.PostgreSQL" => new PostgreSqlOutboxDialect(tables),
        "Microsoft.EntityFrameworkCore.Sqlite" => new SqliteOutboxDialect(tables),
        _ => throw new NotSupportedException(
            $"The outbox supports SQL Server, PostgreSQL and SQLite; the DbContext uses '{providerName}'."),
    };
}
