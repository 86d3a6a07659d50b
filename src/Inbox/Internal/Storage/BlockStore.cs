using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Outbox.Inbox.Internal.Storage;

/// <summary>
/// The block list and parked events of one consumer group, in the application's database. Events of
/// one key are handled by one chain at a time, so the consumer never races itself on a key; each
/// change runs in its own transaction.
/// </summary>
internal sealed class BlockStore
{
    private readonly InboxDbContextFactory _contexts;
    private readonly TimeProvider _time;
    private readonly string _group;

    public BlockStore(InboxDbContextFactory contexts, IOptions<InboxOptions> options, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
        _group = options.Value.ConsumerGroup;
    }

    /// <summary>
    /// Records that a dead-lettered event blocks its key. When the key is already blocked by another event,
    /// or is releasing and this event was not one of the released ones, the event is parked behind them instead.
    /// </summary>
    public Task<BlockOutcome> BlockAsync(TopicPartitionOffset consumed, string key, Guid eventId, TopicPartitionOffset deadLetter, CancellationToken cancellationToken) =>
        InTransactionAsync(context => ApplyBlockAsync(context, consumed, key, eventId, deadLetter, cancellationToken), cancellationToken);

    /// <summary>Parks an event whose key is blocked; returns true when the key is releasing, so the event must be released right away.</summary>
    public Task<bool> ParkAsync(TopicPartitionOffset consumed, string key, Guid eventId, TopicPartitionOffset deadLetter, CancellationToken cancellationToken) =>
        InTransactionAsync(context => ApplyParkAsync(context, consumed, key, eventId, deadLetter, cancellationToken), cancellationToken);

    /// <summary>
    /// Marks the failed event as never to be processed and unblocks its key: the key starts releasing when
    /// events are parked behind it, else the block is removed. Returns the unblocked key, or null when the
    /// event blocks nothing.
    /// </summary>
    public Task<(BlockedKey Key, bool Release)?> AbandonAsync(Guid eventId, CancellationToken cancellationToken) =>
        InTransactionAsync(context => ApplyAbandonAsync(context, eventId, cancellationToken), cancellationToken);

    private async Task<BlockOutcome> ApplyBlockAsync(DbContext context, TopicPartitionOffset consumed, string key, Guid eventId, TopicPartitionOffset deadLetter, CancellationToken cancellationToken)
    {
        var topic = consumed.Topic;
        var block = await FindBlockAsync(context, topic, key, cancellationToken).ConfigureAwait(false);
        var parked = await context.Set<ParkedEvent>().FirstOrDefaultAsync(p => p.ConsumerGroup == _group && p.EventId == eventId, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().UtcDateTime;
        BlockOutcome outcome;
        if (block is null)
        {
            context.Add(new BlockedKey
            {
                ConsumerGroup = _group,
                Topic = topic,
                Key = key,
                FailedEventId = eventId,
                DeadLetterPartition = deadLetter.Partition.Value,
                DeadLetterOffset = deadLetter.Offset.Value,
                BlockedAt = now,
            });
            outcome = BlockOutcome.Blocked;
        }
        else if (block.FailedEventId == eventId || (block.FailedEventId is null && parked is not null && !IsParkedRecord(parked, consumed)))
        {
            block.FailedEventId = eventId;
            block.DeadLetterPartition = deadLetter.Partition.Value;
            block.DeadLetterOffset = deadLetter.Offset.Value;
            block.BlockedAt = now;
            if (parked is not null)
            {
                context.Remove(parked);
            }

            outcome = BlockOutcome.Blocked;
        }
        else
        {
            await UpsertParkedAsync(context, parked, consumed, key, eventId, deadLetter, cancellationToken).ConfigureAwait(false);
            outcome = block.FailedEventId is null ? BlockOutcome.ParkedWhileReleasing : BlockOutcome.ParkedBehindBlock;
        }

        return outcome;
    }

    private async Task<bool> ApplyParkAsync(DbContext context, TopicPartitionOffset consumed, string key, Guid eventId, TopicPartitionOffset deadLetter, CancellationToken cancellationToken)
    {
        var topic = consumed.Topic;
        var block = await FindBlockAsync(context, topic, key, cancellationToken).ConfigureAwait(false);
        if (block is null)
        {
            // Released by an operator since the record was checked: keep the order by releasing it like the others.
            block = new BlockedKey { ConsumerGroup = _group, Topic = topic, Key = key, BlockedAt = _time.GetUtcNow().UtcDateTime };
            context.Add(block);
        }

        var parked = await context.Set<ParkedEvent>().FirstOrDefaultAsync(p => p.ConsumerGroup == _group && p.EventId == eventId, cancellationToken).ConfigureAwait(false);
        await UpsertParkedAsync(context, parked, consumed, key, eventId, deadLetter, cancellationToken).ConfigureAwait(false);
        return block.FailedEventId is null;
    }

    /// <summary>The key's parked events not yet produced back to the topic, in release order.</summary>
    public async Task<IReadOnlyList<ParkedEvent>> ListUnreleasedAsync(string topic, string key, CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        return await db.Context.Set<ParkedEvent>().AsNoTracking()
            .Where(p => p.ConsumerGroup == _group && p.Topic == topic && p.Key == key && !p.Released)
            .OrderBy(p => p.Sequence)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task MarkReleasedAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        await db.Context.Set<ParkedEvent>()
            .Where(p => p.ConsumerGroup == _group && p.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Released, true), cancellationToken).ConfigureAwait(false);
    }

    public async Task<BlockedKey?> FindByFailedEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        return await db.Context.Set<BlockedKey>().AsNoTracking()
            .FirstOrDefaultAsync(b => b.ConsumerGroup == _group && b.FailedEventId == eventId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(BlockedKey Key, bool Release)?> ApplyAbandonAsync(DbContext context, Guid eventId, CancellationToken cancellationToken)
    {
        var block = await context.Set<BlockedKey>().FirstOrDefaultAsync(b => b.ConsumerGroup == _group && b.FailedEventId == eventId, cancellationToken).ConfigureAwait(false);
        if (block is null)
        {
            return null;
        }

        if (!await context.Set<ProcessedEvent>().AnyAsync(p => p.ConsumerGroup == _group && p.EventId == eventId, cancellationToken).ConfigureAwait(false))
        {
            context.Add(new ProcessedEvent { ConsumerGroup = _group, EventId = eventId, ProcessedAt = _time.GetUtcNow().UtcDateTime, Abandoned = true });
        }

        var release = await context.Set<ParkedEvent>().AnyAsync(p => p.ConsumerGroup == _group && p.Topic == block.Topic && p.Key == block.Key, cancellationToken).ConfigureAwait(false);
        if (release)
        {
            block.FailedEventId = null;
            block.DeadLetterPartition = null;
            block.DeadLetterOffset = null;
        }
        else
        {
            context.Remove(block);
        }

        return (block, release);
    }

    public async Task<IReadOnlyList<BlockedKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        var context = db.Context;
        var blocks = await context.Set<BlockedKey>().AsNoTracking().Where(b => b.ConsumerGroup == _group).ToListAsync(cancellationToken).ConfigureAwait(false);
        var parked = await context.Set<ParkedEvent>().AsNoTracking().Where(p => p.ConsumerGroup == _group)
            .GroupBy(p => new { p.Topic, p.Key })
            .Select(g => new { g.Key.Topic, g.Key.Key, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return
        [
            .. blocks
                .OrderBy(b => b.BlockedAt)
                .Select(b => new BlockedKeyInfo(
                    b.Topic,
                    b.Key,
                    b.FailedEventId,
                    new DateTimeOffset(DateTime.SpecifyKind(b.BlockedAt, DateTimeKind.Utc)),
                    parked.FirstOrDefault(p => p.Topic == b.Topic && p.Key == b.Key)?.Count ?? 0)),
        ];
    }

    /// <summary>Runs one change of the block list in a transaction of its own, saving and committing what it did.</summary>
    private async Task<T> InTransactionAsync<T>(Func<DbContext, Task<T>> change, CancellationToken cancellationToken)
    {
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        var context = db.Context;
        var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionLifetime = transaction.ConfigureAwait(false);
        var result = await change(context).ConfigureAwait(false);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private Task<BlockedKey?> FindBlockAsync(DbContext context, string topic, string key, CancellationToken cancellationToken) =>
        context.Set<BlockedKey>().FirstOrDefaultAsync(b => b.ConsumerGroup == _group && b.Topic == topic && b.Key == key, cancellationToken);

    /// <summary>Whether <paramref name="consumed"/> is the record that was parked (a redelivery) rather than a released copy.</summary>
    public static bool IsParkedRecord(ParkedEvent parked, TopicPartitionOffset consumed) =>
        parked.ParkedFromPartition == consumed.Partition.Value && parked.ParkedFromOffset == consumed.Offset.Value;

    private async Task UpsertParkedAsync(DbContext context, ParkedEvent? parked, TopicPartitionOffset consumed, string key, Guid eventId, TopicPartitionOffset deadLetter, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var topic = consumed.Topic;
        if (parked is not null)
        {
            parked.ParkedFromPartition = consumed.Partition.Value;
            parked.ParkedFromOffset = consumed.Offset.Value;
            parked.DeadLetterPartition = deadLetter.Partition.Value;
            parked.DeadLetterOffset = deadLetter.Offset.Value;
            parked.Released = false;
            parked.ParkedAt = now;
            return;
        }

        var last = await context.Set<ParkedEvent>()
            .Where(p => p.ConsumerGroup == _group && p.Topic == topic && p.Key == key)
            .MaxAsync(p => (long?)p.Sequence, cancellationToken).ConfigureAwait(false);
        context.Add(new ParkedEvent
        {
            ConsumerGroup = _group,
            EventId = eventId,
            Topic = topic,
            Key = key,
            Sequence = (last ?? 0) + 1,
            ParkedFromPartition = consumed.Partition.Value,
            ParkedFromOffset = consumed.Offset.Value,
            DeadLetterPartition = deadLetter.Partition.Value,
            DeadLetterOffset = deadLetter.Offset.Value,
            ParkedAt = now,
        });
    }
}

/// <summary>What <see cref="BlockStore.BlockAsync"/> did with a dead-lettered event.</summary>
internal enum BlockOutcome
{
    /// <summary>The event now blocks its key.</summary>
    Blocked,

    /// <summary>The key was already blocked by another event; this one waits behind it.</summary>
    ParkedBehindBlock,

    /// <summary>The key is releasing; this one is parked behind the released events and must be released too.</summary>
    ParkedWhileReleasing,
}
