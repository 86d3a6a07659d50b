using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Outbox.Internal.Capture;

/// <summary>
/// Captures the outbox messages of a <c>SaveChanges</c> in <c>SavingChanges</c>, before EF Core
/// accepts any entry, and makes sure the save runs in a transaction: the rows themselves are
/// inserted by <see cref="OutboxTransactionInterceptor"/> just before that transaction commits.
/// Stateless: all state lives in the context's <see cref="OutboxContextState"/>.
/// </summary>
internal sealed class OutboxSaveChangesInterceptor : SaveChangesInterceptor
{
    public static readonly OutboxSaveChangesInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && Prepare(context) == Plan.CommitNow)
        {
            // Only outbox messages to save: EF Core would open no transaction, so commit one of our own.
            using var transaction = context.Database.BeginTransaction();
            transaction.Commit();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Prepare(context) == Plan.CommitNow)
        {
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Restore(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Restore(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Restore(eventData.Context);
        return Task.CompletedTask;
    }

    private static Plan Prepare(DbContext context)
    {
        var state = context.GetService<OutboxContextState>();
        if (!state.Capture() || context.Database.CurrentTransaction is not null)
        {
            // Either nothing to write, or the application's transaction inserts the rows when it commits.
            return Plan.None;
        }

        if (!context.ChangeTracker.HasChanges())
        {
            return Plan.CommitNow;
        }

        // EF Core skips the transaction for a single-statement save; the outbox rows need one.
        state.RestoreAutoTransactionBehavior = context.Database.AutoTransactionBehavior;
        context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        return Plan.InSaveTransaction;
    }

    private static void Restore(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var state = context.GetService<OutboxContextState>();
        if (state.RestoreAutoTransactionBehavior is { } behavior)
        {
            context.Database.AutoTransactionBehavior = behavior;
            state.RestoreAutoTransactionBehavior = null;
        }
    }

    private enum Plan
    {
        None,
        InSaveTransaction,
        CommitNow,
    }
}
