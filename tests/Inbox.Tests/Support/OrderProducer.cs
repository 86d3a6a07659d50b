using Xunit;
using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;
using Outbox.Testing.Messages;

namespace Outbox.Inbox.Tests.Support;

/// <summary>Produces order events the way the Outbox relay does: CloudEvents headers, the order id as key.</summary>
internal sealed class OrderProducer : IDisposable
{
    private static readonly MessageTypeRegistry Registry = new MessageTypeRegistry().RegisterFromAssembly(typeof(OrderPlaced).Assembly);
    private readonly IProducer<byte[]?, byte[]?> _producer;

    public OrderProducer(string bootstrapServers) =>
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new KafkaClientOptions { BootstrapServers = bootstrapServers }.CreateProducerConfig()).Build();

    public async Task<Guid> SendAsync(OrderEvent message, string topic = "orders", Guid? eventId = null, string? redeliveredTo = null)
    {
        var envelope = EnvelopeRecords.Envelope(message, message.OrderId, Registry.GetName(message.GetType()), eventId);
        var record = EnvelopeRecords.Record(envelope);
        if (redeliveredTo is not null)
        {
            record.Headers.Add(MessageHeaders.RedeliveredTo, Encoding.UTF8.GetBytes(redeliveredTo));
        }

        await _producer.ProduceAsync(topic, record, TestContext.Current.CancellationToken);
        return envelope.Id;
    }

    public Task SendRawAsync(string topic, string? key, Headers headers, byte[] value) =>
        _producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = key is null ? null : Encoding.UTF8.GetBytes(key), Value = value, Headers = headers }, TestContext.Current.CancellationToken);

    public static Headers Envelope(Guid id, string type) => new MessageEnvelope
    {
        Id = id,
        Type = type,
        Source = "/tests",
        Time = DateTimeOffset.UtcNow,
        ContentType = "application/json",
        Payload = Array.Empty<byte>(),
    }.ToKafkaHeaders();

    public void Dispose() => _producer.Dispose();
}
