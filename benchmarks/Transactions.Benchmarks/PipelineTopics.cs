using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.Messaging;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The topics every pipeline benchmark reads and writes (four partitions each) and the inputs on them: about 1 KiB,
/// keys drawn from 50 accounts.
/// </summary>
internal static class PipelineTopics
{
    public const string Input = "payments";
    public const int Partitions = 4;

    private static readonly MessageTypeRegistry Registry = new();
    private static readonly JsonMessageSerializer Serializer = new();
    private static readonly string Data = new('x', 900);

    /// <summary>
    /// Creates the input and output topics; <paramref name="retentionBytes"/> (per partition), when given, lets the
    /// broker drop what was consumed or never will be, so a long run stays within memory.
    /// </summary>
    public static async Task CreateAsync(string bootstrapServers, (long Input, long Output)? retentionBytes = null)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        await admin.CreateTopicsAsync(
        [
            Topic(Input, retentionBytes?.Input),
            Topic(BookPayments.OutputTopic, retentionBytes?.Output),
        ]);
    }

    /// <summary>The <paramref name="index"/>th input: a <see cref="PaymentReceived"/> in the envelope the pipeline reads.</summary>
    public static Message<byte[], byte[]> Record(int index)
    {
        var envelope = new MessageEnvelope
        {
            Id = Guid.CreateVersion7(),
            Type = Registry.GetName(typeof(PaymentReceived)),
            Source = "/benchmarks",
            Time = DateTimeOffset.UtcNow,
            ContentType = Serializer.ContentType,
            Key = $"account-{index % 50}",
            Payload = Serializer.Serialize(new PaymentReceived($"payment-{index}", Data), typeof(PaymentReceived)),
        };
        return new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(envelope.Key),
            Value = envelope.Payload.ToArray(),
            Headers = envelope.ToKafkaHeaders(),
        };
    }

    /// <summary>
    /// Produces <paramref name="record"/> to the input (to the partition of its key, unless <paramref name="partition"/>
    /// is given), waiting for acknowledgements while librdkafka's queue is full.
    /// </summary>
    public static void Produce(IProducer<byte[], byte[]> producer, Message<byte[], byte[]> record, int? partition = null)
    {
        var topicPartition = new TopicPartition(Input, partition is { } p ? new Partition(p) : Partition.Any);
        while (true)
        {
            try
            {
                producer.Produce(topicPartition, record);
                return;
            }
            catch (ProduceException<byte[], byte[]> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
            {
                // More records than librdkafka queues: wait for the broker's acknowledgements to make room.
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private static TopicSpecification Topic(string name, long? retentionBytes) => new()
    {
        Name = name,
        NumPartitions = Partitions,
        ReplicationFactor = 1,
        Configs = retentionBytes is { } bytes ? new Dictionary<string, string> { ["retention.bytes"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
    };
}
