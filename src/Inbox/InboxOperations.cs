using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Internal;
using Outbox.Inbox.Internal.Pipeline.Blocking;
using Outbox.Inbox.Internal.Pipeline.DeadLetter;
using Outbox.Inbox.Internal.Storage;

namespace Outbox.Inbox;

/// <summary>
/// What an operator does about dead-lettered events of the consumer group configured with <c>AddInbox</c>:
/// list blocked keys, requeue a failed event, or abandon it. Resolve it from the service provider.
/// </summary>
public sealed class InboxOperations
{
    private readonly BlockStore _store;
    private readonly DeadLetterReader _reader;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly InboxProducer _producer;
    private readonly ParkedEventReleaser _releaser;
    private readonly ILogger<InboxOperations> _logger;

    internal InboxOperations(BlockStore store, DeadLetterReader reader, DeadLetterPublisher deadLetters, InboxProducer producer, ParkedEventReleaser releaser, ILogger<InboxOperations> logger)
    {
        _store = store;
        _reader = reader;
        _deadLetters = deadLetters;
        _producer = producer;
        _releaser = releaser;
        _logger = logger;
    }

    /// <summary>The keys whose events the group holds back, oldest block first.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The blocked keys.</returns>
    public Task<IReadOnlyList<BlockedKeyInfo>> ListBlockedKeysAsync(CancellationToken cancellationToken = default) => _store.ListAsync(cancellationToken);

    /// <summary>
    /// Produces a failed event from the dead-letter topic back to its original topic, key, payload and headers unchanged,
    /// addressed to this consumer group (<see cref="Messaging.MessageHeaders.RedeliveredTo"/>): other groups skip the copy.
    /// When it is handled successfully its key is unblocked and the events parked behind it are released in order;
    /// when it fails again it is dead-lettered again and the key stays blocked.
    /// </summary>
    /// <param name="eventId">The id of the event blocking a key (see <see cref="ListBlockedKeysAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the wait; the event may still be requeued.</param>
    /// <returns>Where the requeued copy landed.</returns>
    /// <exception cref="InvalidOperationException">The event blocks no key of this group.</exception>
    public async Task<TopicPartitionOffset> RequeueAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        var block = await _store.FindByFailedEventAsync(eventId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Event {eventId} blocks no key of this consumer group; only a failed event that blocks a key can be requeued.");
        var deadLetterTopic = _deadLetters.DeadLetterTopicOf(block.Topic);
        var copy = await _reader.ReadAsync(new TopicPartitionOffset(deadLetterTopic, block.DeadLetterPartition!.Value, block.DeadLetterOffset!.Value), cancellationToken).ConfigureAwait(false);
        var position = await _producer.ProduceAsync(block.Topic, _deadLetters.RedeliveryOf(copy), cancellationToken).ConfigureAwait(false);
        Log.Requeued(_logger, eventId, deadLetterTopic, block.Topic);
        return position;
    }

    /// <summary>
    /// Marks a failed event as never to be processed: it is recorded as handled (so a redelivery is skipped),
    /// its key is unblocked and the events parked behind it are produced back to the topic in order.
    /// </summary>
    /// <param name="eventId">The id of the event blocking a key (see <see cref="ListBlockedKeysAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the parked events were released.</returns>
    /// <exception cref="InvalidOperationException">The event blocks no key of this group.</exception>
    public async Task AbandonAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        var abandoned = await _store.AbandonAsync(eventId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Event {eventId} blocks no key of this consumer group; only a failed event that blocks a key can be abandoned.");
        Log.Abandoned(_logger, eventId, abandoned.Key.Key);
        if (abandoned.Release)
        {
            await _releaser.ReleaseAsync(abandoned.Key.Topic, abandoned.Key.Key, cancellationToken).ConfigureAwait(false);
        }
    }
}
