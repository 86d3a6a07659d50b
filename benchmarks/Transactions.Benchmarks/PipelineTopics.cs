using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.Testing.Messages;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The topics every pipeline benchmark reads and writes (four partitions each) and the inputs on them: about 1 KiB,
/// keys drawn from 50 accounts.
/// </summary>
internal static class PipelineTopics
{
    public const string Input = "payments";
    public const int Partitions = 4;

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
    public static Message<byte[]?, byte[]?> Record(int index) =>
        EnvelopeRecords.Record(EnvelopeRecords.Envelope(new PaymentReceived($"payment-{index}", Data), $"account-{index % 50}", source: "/benchmarks"));

    /// <summary>
    /// Produces <paramref name="record"/> to the input (to the partition of its key, unless <paramref name="partition"/>
    /// is given), waiting for acknowledgements while librdkafka's queue is full.
    /// </summary>
    public static void Produce(IProducer<byte[]?, byte[]?> producer, Message<byte[]?, byte[]?> record, int? partition = null)
    {
        var topicPartition = new TopicPartition(Input, partition is { } p ? new Partition(p) : Partition.Any);
        while (true)
        {
            try
            {
                producer.Produce(topicPartition, record);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
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
