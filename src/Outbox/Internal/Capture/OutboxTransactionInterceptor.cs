using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Outbox.Internal.Storage;

namespace Outbox.Internal.Capture;

/// <summary>
/// Inserts the captured outbox rows just before a transaction commits. This is as late as the
/// position (the identity id) can be taken: the transaction already holds the row locks of the
/// aggregates it changed, so a concurrent transaction on the same aggregate gets its id only after
/// this one commits, and ids follow commit order per aggregate.
/// </summary>
internal sealed class OutboxTransactionInterceptor : DbTransactionInterceptor
{
    public static readonly OutboxTransactionInterceptor Instance = new();

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is { } context)
        {
            foreach (var command in Commands(context, transaction))
            {
                using (command)
                {
                    command.ExecuteNonQuery();
                }
            }
        }

        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            foreach (var command in Commands(context, transaction))
            {
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        eventData.Context?.GetService<OutboxContextState>().Committed();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        eventData.Context?.GetService<OutboxContextState>().Committed();
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        eventData.Context?.GetService<OutboxContextState>().RolledBack();

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        eventData.Context?.GetService<OutboxContextState>().RolledBack();
        return Task.CompletedTask;
    }

    private static IEnumerable<DbCommand> Commands(DbContext context, DbTransaction transaction)
    {
        var state = context.GetService<OutboxContextState>();
        var rows = state.BeginCommit();
        if (rows.Count == 0)
        {
            yield break;
        }

        var dialect = state.Dialect ??= OutboxSqlDialects.For(context.Database.ProviderName, OutboxTables.From(context.Model));
        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The committing transaction has no connection.");
        foreach (var row in rows)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
#pragma warning disable CA2100 // The statement is built from the model's table names, never from input.
            command.CommandText = dialect.InsertMessage;
#pragma warning restore CA2100
            Add(command, "@lane", row.Lane);
            Add(command, "@topic", row.Topic);
            Add(command, "@message_key", row.Key);
            Add(command, "@event_id", dialect.EventIdValue(row.EventId));
            Add(command, "@message_type", row.MessageType);
            Add(command, "@headers", row.Headers);
            Add(command, "@payload", row.Payload);
            Add(command, "@created_at", row.CreatedAt);
            yield return command;
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
