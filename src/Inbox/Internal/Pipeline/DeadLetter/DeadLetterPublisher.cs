using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Pipeline.DeadLetter;

/// <summary>Sends a record's dead-letter copy to <c>&lt;topic&gt;&lt;suffix&gt;</c> and waits until the broker has it.</summary>
internal sealed class DeadLetterPublisher
{
    private readonly InboxProducer _producer;
    private readonly InboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeadLetterPublisher> _logger;

    public DeadLetterPublisher(InboxProducer producer, IOptions<InboxOptions> options, TimeProvider time, ILogger<DeadLetterPublisher> logger)
    {
        _producer = producer;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public string DeadLetterTopicOf(string topic) => topic + _options.DeadLetterTopicSuffix;

    /// <summary>The copy of a dead-lettered record that goes back to its original topic, for this consumer group only.</summary>
    public Message<byte[]?, byte[]?> RedeliveryOf(ConsumeResult<byte[]?, byte[]?> deadLetter) =>
        DeadLetterRecordBuilder.BuildRedelivery(deadLetter, _options.ConsumerGroup);

    public async Task<TopicPartitionOffset> PublishAsync(ConsumedRecord record, DeadLetterReason reason, CancellationToken cancellationToken)
    {
        var topic = DeadLetterTopicOf(record.Topic);
        var message = DeadLetterRecordBuilder.Build(record, reason, _options.ConsumerGroup, _time.GetUtcNow());
        var position = await _producer.ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
        if (reason.BlockedBy is null)
        {
            InboxTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Topic));
            Log.DeadLettered(_logger, record.TopicPartitionOffset.ToString(), topic, reason.Description);
        }

        return position;
    }
}
