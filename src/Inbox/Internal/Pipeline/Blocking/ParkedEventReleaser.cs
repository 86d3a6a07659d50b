using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Internal.Pipeline.DeadLetter;
using Outbox.Inbox.Internal.Storage;

namespace Outbox.Inbox.Internal.Pipeline.Blocking;

/// <summary>
/// Produces a key's parked events back to their topic in the order they were parked, each marked
/// released once the broker has it. Same key, same partition: the copies keep their order in the topic.
/// Running it twice at once (consumer and operator) only duplicates copies, which the inbox skips.
/// </summary>
internal sealed class ParkedEventReleaser
{
    private readonly BlockStore _store;
    private readonly DeadLetterReader _reader;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly InboxProducer _producer;
    private readonly ILogger<ParkedEventReleaser> _logger;

    public ParkedEventReleaser(BlockStore store, DeadLetterReader reader, DeadLetterPublisher deadLetters, InboxProducer producer, ILogger<ParkedEventReleaser> logger)
    {
        _store = store;
        _reader = reader;
        _deadLetters = deadLetters;
        _producer = producer;
        _logger = logger;
    }

    public async Task ReleaseAsync(string topic, string key, CancellationToken cancellationToken)
    {
        var parked = await _store.ListUnreleasedAsync(topic, key, cancellationToken).ConfigureAwait(false);
        foreach (var parkedEvent in parked)
        {
            var position = new TopicPartitionOffset(_deadLetters.DeadLetterTopicOf(topic), parkedEvent.DeadLetterPartition, parkedEvent.DeadLetterOffset);
            var copy = await _reader.ReadAsync(position, cancellationToken).ConfigureAwait(false);
            await _producer.ProduceAsync(topic, _deadLetters.RedeliveryOf(copy), cancellationToken).ConfigureAwait(false);
            await _store.MarkReleasedAsync(parkedEvent.EventId, cancellationToken).ConfigureAwait(false);
        }

        if (parked.Count > 0)
        {
            Log.Released(_logger, parked.Count, key, topic);
        }
    }
}
