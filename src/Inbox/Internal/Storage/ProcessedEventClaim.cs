using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Outbox.Inbox.Internal.Storage;

/// <summary>
/// Inserts a record's inbox row at the start of its transaction, in one statement, unless the group already has
/// the row or the record's key is blocked: <c>INSERT … SELECT … WHERE NOT EXISTS (block) ON CONFLICT DO NOTHING</c>.
/// One inserted row means the record is new and its key free, so the handlers may run without another round trip;
/// no row means a duplicate, a blocked key or a concurrent owner's uncommitted row, which the caller sorts out.
/// A concurrent insert of the same row waits for the other transaction and then inserts nothing if it committed.
/// PostgreSQL and SQLite share the statement; other providers have no claim (<see cref="For"/> returns null).
/// </summary>
internal sealed class ProcessedEventClaim
{
    private readonly string _keyedSql;
    private readonly string _unkeyedSql;
    private readonly RelationalTypeMapping _groupMapping;
    private readonly RelationalTypeMapping _eventIdMapping;
    private readonly RelationalTypeMapping _processedAtMapping;
    private readonly RelationalTypeMapping _abandonedMapping;
    private readonly RelationalTypeMapping _topicMapping;
    private readonly RelationalTypeMapping _keyMapping;

    private ProcessedEventClaim(DbContext context)
    {
        var processed = context.Model.FindEntityType(typeof(ProcessedEvent))
            ?? throw new InvalidOperationException("The DbContext has no inbox tables: call modelBuilder.AddInboxTables() in OnModelCreating.");
        var blocked = context.Model.FindEntityType(typeof(BlockedKey))
            ?? throw new InvalidOperationException("The DbContext has no inbox tables: call modelBuilder.AddInboxTables() in OnModelCreating.");
        var sql = context.GetService<ISqlGenerationHelper>();
        var processedTable = StoreObjectIdentifier.Table(processed.GetTableName()!, processed.GetSchema());
        var blockedTable = StoreObjectIdentifier.Table(blocked.GetTableName()!, blocked.GetSchema());
        string Column(IEntityType entity, StoreObjectIdentifier table, string property) =>
            sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        RelationalTypeMapping Mapping(IEntityType entity, string property) => entity.FindProperty(property)!.GetRelationalTypeMapping();

        _groupMapping = Mapping(processed, nameof(ProcessedEvent.ConsumerGroup));
        _eventIdMapping = Mapping(processed, nameof(ProcessedEvent.EventId));
        _processedAtMapping = Mapping(processed, nameof(ProcessedEvent.ProcessedAt));
        _abandonedMapping = Mapping(processed, nameof(ProcessedEvent.Abandoned));
        _topicMapping = Mapping(blocked, nameof(BlockedKey.Topic));
        _keyMapping = Mapping(blocked, nameof(BlockedKey.Key));

        var insert =
            $"INSERT INTO {sql.DelimitIdentifier(processedTable.Name, processedTable.Schema)} " +
            $"({Column(processed, processedTable, nameof(ProcessedEvent.ConsumerGroup))}, {Column(processed, processedTable, nameof(ProcessedEvent.EventId))}, " +
            $"{Column(processed, processedTable, nameof(ProcessedEvent.ProcessedAt))}, {Column(processed, processedTable, nameof(ProcessedEvent.Abandoned))}) ";
        var values = $"{sql.GenerateParameterNamePlaceholder("g")}, {sql.GenerateParameterNamePlaceholder("e")}, {sql.GenerateParameterNamePlaceholder("t")}, {sql.GenerateParameterNamePlaceholder("a")}";
        _unkeyedSql = $"{insert}VALUES ({values}) ON CONFLICT DO NOTHING";
        _keyedSql =
            $"{insert}SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM {sql.DelimitIdentifier(blockedTable.Name, blockedTable.Schema)} " +
            $"WHERE {Column(blocked, blockedTable, nameof(BlockedKey.ConsumerGroup))} = {sql.GenerateParameterNamePlaceholder("g")} " +
            $"AND {Column(blocked, blockedTable, nameof(BlockedKey.Topic))} = {sql.GenerateParameterNamePlaceholder("topic")} " +
            $"AND {Column(blocked, blockedTable, nameof(BlockedKey.Key))} = {sql.GenerateParameterNamePlaceholder("key")}) ON CONFLICT DO NOTHING";
    }

    /// <summary>The claim for the context's provider, or null when the provider has none (the caller checks with queries instead).</summary>
    public static ProcessedEventClaim? For(DbContext context) => context.Database.ProviderName switch
    {
        "Npgsql.EntityFrameworkCore.PostgreSQL" or "Microsoft.EntityFrameworkCore.Sqlite" => new ProcessedEventClaim(context),
        _ => null,
    };

    /// <summary>
    /// Inserts the row in the context's open transaction, so it commits or rolls back with the handler's changes;
    /// true when it was inserted. A null <paramref name="key"/> (an unkeyed record) checks no block.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context has no open transaction.</exception>
    public async Task<bool> TryClaimAsync(DbContext context, ProcessedEvent row, string topic, string? key, CancellationToken cancellationToken)
    {
        var transaction = context.Database.CurrentTransaction
            ?? throw new InvalidOperationException("The inbox row is claimed inside the handler's transaction; begin a transaction on the DbContext first.");
        var command = context.Database.GetDbConnection().CreateCommand();
        await using var commandLifetime = command.ConfigureAwait(false);
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = key is null ? _unkeyedSql : _keyedSql;
        Add(command, _groupMapping, "g", row.ConsumerGroup);
        Add(command, _eventIdMapping, "e", row.EventId);
        Add(command, _processedAtMapping, "t", row.ProcessedAt);
        Add(command, _abandonedMapping, "a", row.Abandoned);
        if (key is not null)
        {
            Add(command, _topicMapping, "topic", topic);
            Add(command, _keyMapping, "key", key);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void Add(DbCommand command, RelationalTypeMapping mapping, string name, object value) =>
        command.Parameters.Add(mapping.CreateParameter(command, name, value, nullable: false));
}
