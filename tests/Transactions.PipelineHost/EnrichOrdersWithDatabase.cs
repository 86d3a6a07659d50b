using Microsoft.EntityFrameworkCore;

namespace Outbox.Transactions.PipelineHost;

/// <summary>
/// <see cref="EnrichOrders"/> with database effects: per input one <see cref="EnrichedOrder"/> row and one more on its
/// key's <see cref="KeyTotal"/>. It writes them on every call, replays included, and a poison input throws after
/// writing: the pipeline's transaction around each attempt has to undo both.
/// </summary>
public sealed class EnrichOrdersWithDatabase(EnrichmentDbContext db) : IPipelineHandler<OrderPlaced>
{
    public async ValueTask HandleAsync(OrderPlaced message, PipelineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        db.EnrichedOrders.Add(new EnrichedOrder { EventId = context.Envelope.Id, Key = message.Key, Sequence = message.Sequence });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        // Straight SQL, past the change tracker: it is inside the same transaction all the same.
        var counted = await db.KeyTotals.Where(t => t.Key == message.Key)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Orders, t => t.Orders + 1), cancellationToken).ConfigureAwait(false);
        if (counted == 0)
        {
            db.KeyTotals.Add(new KeyTotal { Key = message.Key, Orders = 1 });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        if (message.Poison)
        {
            throw new InvalidOperationException($"Order {message.Key}/{message.Sequence} is poison.");
        }

        context.Emit(EnrichOrders.OutputTopic, new OrderEnriched(message.Key, message.Sequence));
    }
}
