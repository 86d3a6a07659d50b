using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outbox.Inbox.Internal.Storage;
using Outbox.Transactions.Diagnostics;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Internal.Database;

/// <summary>
/// A handler attempt with database effects. In one transaction of the scope's DbContext (the instance the handler
/// gets injected): look up the input's inbox row (group id + event id, the Inbox's table), run the handler, then
/// either add the row and commit the handler's changes with it, or, when the row was already there, roll back
/// whatever the handler wrote. The commit happens before the input's outputs enter the Kafka transaction, so a
/// committed Kafka transaction always has its database effects committed; the reverse gap (database committed,
/// Kafka aborted) is what the row closes on redelivery.
/// </summary>
internal sealed class DatabaseHandlerAttempt<TMessage>(
    PipelineSettings settings,
    PipelineDatabase database,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger logger) : IHandlerAttempt<TMessage>
    where TMessage : class
{
    private readonly KeyValuePair<string, object?> _tag = PipelineTelemetry.PipelineTag(settings.Name);

    public async ValueTask RunAsync(TMessage message, PipelineContext context, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var group = settings.GroupId;
                var eventId = context.Envelope.Id;
                context.DatabaseEffectsCommitted = await ProcessedEventQueries.IsProcessedAsync(db, group, eventId, cancellationToken).ConfigureAwait(false);
                var handler = scope.ServiceProvider.GetRequiredService<IPipelineHandler<TMessage>>();
                await handler.HandleAsync(message, context, cancellationToken).ConfigureAwait(false);
                if (context.DatabaseEffectsCommitted)
                {
                    // Only the outputs are wanted from a replay: whatever the handler wrote, saved or not, is undone.
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    PipelineTelemetry.RecordsReplayed.Add(1, _tag);
                    Log.DatabaseEffectsAlreadyCommitted(logger, settings.Name, context.ConsumedFrom, eventId);
                    return;
                }

                // A concurrent owner of the same input (old and new owner around a rebalance) fails here on the
                // primary key; the next attempt finds its row and replays.
                db.Add(new ProcessedEvent { ConsumerGroup = group, EventId = eventId, ProcessedAt = time.GetUtcNow().UtcDateTime });
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
