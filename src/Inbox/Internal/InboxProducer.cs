using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Outbox.Inbox.Internal;

/// <summary>
/// The host's one idempotent producer, for dead letters, parked records and released or requeued records.
/// Built on first use so a host that never fails never connects a producer.
/// </summary>
internal sealed class InboxProducer : IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;

    public InboxProducer(IOptions<InboxOptions> options)
    {
        _producer = new Lazy<IProducer<byte[]?, byte[]?>>(
            () => new ProducerBuilder<byte[]?, byte[]?>(options.Value.Kafka.CreateProducerConfig()).Build(),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Produces and waits for the broker's acknowledgement; returns where the record landed.</summary>
    public async Task<TopicPartitionOffset> ProduceAsync(string topic, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken)
    {
        var result = await _producer.Value.ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
        return result.TopicPartitionOffset;
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            // Every produce was awaited before its record finished, so nothing is left to flush.
            _producer.Value.Dispose();
        }
    }
}
