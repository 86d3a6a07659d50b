using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Internal.Handlers;
using Outbox.Inbox.Internal.Pipeline.Deserialize;
using Outbox.Inbox.Internal.Storage;

namespace Outbox.Inbox.Internal.Pipeline.Dedupe;

/// <summary>
/// Runs the handlers of a record in one database transaction with its inbox row, so the handlers'
/// EF Core changes and the "(group, event id) was handled" fact commit together or not at all. The
/// primary key on (group, event id) makes a concurrent second handling (an old and a new partition
/// owner during a rebalance) wait for the first and then skip, or fail at commit, instead of taking
/// effect twice. The key's block state is checked and updated in the same transaction. The common
/// case, a new event of a free key, costs one statement before the handlers (<see cref="ProcessedEventClaim"/>);
/// only a duplicate or a blocked key reads the inbox tables.
/// </summary>
internal sealed class TransactionalHandler
{
    private readonly InboxDbContextFactory _contexts;
    private readonly TimeProvider _time;
    private readonly string _group;
    private ProcessedEventClaim? _claim;

    public TransactionalHandler(InboxDbContextFactory contexts, IOptions<InboxOptions> options, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
        _group = options.Value.ConsumerGroup;
    }

    public async Task<HandlingResult> HandleAsync(DecodedRecord decoded, int attempt, IReadOnlyList<HandlerInvoker> handlers, CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        var context = db.Context;
        var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionLifetime = transaction.ConfigureAwait(false);
        var eventId = decoded.EventId;
        var key = decoded.Record.Key;
        var row = new ProcessedEvent { ConsumerGroup = _group, EventId = eventId, ProcessedAt = _time.GetUtcNow().UtcDateTime };
        var claim = _claim ??= ProcessedEventClaim.For(context);
        var release = false;
        if (claim is null || !await claim.TryClaimAsync(context, row, decoded.Record.Topic, key, cancellationToken).ConfigureAwait(false))
        {
            // Not claimed: a duplicate, a blocked key, or a provider without the claim statement; the queries decide.
            if (await ProcessedEventQueries.IsProcessedAsync(context, _group, eventId, cancellationToken).ConfigureAwait(false))
            {
                return new HandlingResult(HandlingOutcome.Duplicate);
            }

            if (key is not null)
            {
                var (decision, blockedBy) = await CheckBlockAsync(context, decoded.Record.TopicPartitionOffset, key, eventId, cancellationToken).ConfigureAwait(false);
                if (decision is HandlingOutcome.Blocked or HandlingOutcome.AlreadyParked)
                {
                    return new HandlingResult(decision, blockedBy);
                }

                release = decision == HandlingOutcome.HandledThenRelease;
            }

            context.Add(row);
        }

        var messageContext = decoded.CreateContext(_group, attempt);
        foreach (var handler in handlers)
        {
            await handler.InvokeAsync(db.Services, decoded.Message, messageContext, cancellationToken).ConfigureAwait(false);
        }

        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new HandlingResult(release ? HandlingOutcome.HandledThenRelease : HandlingOutcome.Handled);
    }

    /// <summary>Whether the group has handled the event; asked after a failed attempt, whose commit may have lost a race to another owner.</summary>
    public async Task<bool> IsProcessedAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        return await ProcessedEventQueries.IsProcessedAsync(db.Context, _group, eventId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides whether the event may run given its key's block. Blocked by another event: park. Blocked by
    /// this event (requeued): run, then release what is parked. Releasing: a released copy runs and leaves
    /// the queue (the block ends with the last one); any other event is parked behind them. A redelivery of
    /// a parked record (same position) is skipped: its copy in the dead-letter topic is the one released.
    /// A released copy may arrive before the releaser marked it released, so the position decides, not the flag.
    /// </summary>
    private async Task<(HandlingOutcome Decision, Guid? BlockedBy)> CheckBlockAsync(DbContext context, TopicPartitionOffset consumed, string key, Guid eventId, CancellationToken cancellationToken)
    {
        var topic = consumed.Topic;
        var block = await context.Set<BlockedKey>()
            .FirstOrDefaultAsync(b => b.ConsumerGroup == _group && b.Topic == topic && b.Key == key, cancellationToken).ConfigureAwait(false);
        if (block is null)
        {
            return (HandlingOutcome.Handled, null);
        }

        var parked = await context.Set<ParkedEvent>()
            .FirstOrDefaultAsync(p => p.ConsumerGroup == _group && p.EventId == eventId, cancellationToken).ConfigureAwait(false);
        var othersParked = await context.Set<ParkedEvent>()
            .AnyAsync(p => p.ConsumerGroup == _group && p.Topic == topic && p.Key == key && p.EventId != eventId, cancellationToken).ConfigureAwait(false);
        if (block.FailedEventId is { } failed && failed != eventId)
        {
            return parked is not null && BlockStore.IsParkedRecord(parked, consumed) ? (HandlingOutcome.AlreadyParked, failed) : (HandlingOutcome.Blocked, failed);
        }

        if (block.FailedEventId is null)
        {
            if (parked is null)
            {
                return (HandlingOutcome.Blocked, null);
            }

            if (BlockStore.IsParkedRecord(parked, consumed))
            {
                return (HandlingOutcome.AlreadyParked, null);
            }

            context.Remove(parked);
        }

        if (othersParked)
        {
            block.FailedEventId = null;
            block.DeadLetterPartition = null;
            block.DeadLetterOffset = null;
            return (HandlingOutcome.HandledThenRelease, null);
        }

        context.Remove(block);
        return (HandlingOutcome.Handled, null);
    }
}
