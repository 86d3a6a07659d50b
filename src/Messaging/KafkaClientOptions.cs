using Confluent.Kafka;

namespace Outbox.Messaging;

/// <summary>
/// Where Kafka is and how to reach it, shared by the Outbox relay, the Inbox and Transactions.
/// The <c>Create…Config</c> methods apply this library's safe defaults (idempotence, acks=all,
/// read_committed, manual offset commits) and then <see cref="Properties"/>, so any librdkafka
/// setting can still be overridden by name.
/// </summary>
public sealed class KafkaClientOptions
{
    /// <summary>The bootstrap servers, for example <c>localhost:9092</c>.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The client id reported to the broker; defaults to the process name.</summary>
    public string? ClientId { get; set; }

    /// <summary>Extra librdkafka properties (for example security settings), applied after the defaults.</summary>
    public IDictionary<string, string> Properties { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>An idempotent producer: acks=all, idempotence on, at most five requests in flight.</summary>
    /// <returns>A new configuration.</returns>
    public ProducerConfig CreateProducerConfig()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = ClientId,
            Acks = Acks.All,
            EnableIdempotence = true,
            MaxInFlight = 5,
            LingerMs = 5,
            // The Java client's partitioner, so a key lands on the same partition whichever client wrote it.
            Partitioner = Partitioner.Murmur2Random,
        };
        return Apply(config);
    }

    /// <summary>A transactional producer; a second producer with the same id fences the first.</summary>
    /// <param name="transactionalId">The <c>transactional.id</c>, stable for the unit of work it publishes (for example one relay lane).</param>
    /// <returns>A new configuration.</returns>
    public ProducerConfig CreateTransactionalProducerConfig(string transactionalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionalId);
        var config = CreateProducerConfig();
        config.TransactionalId = transactionalId;
        return Apply(config);
    }

    /// <summary>A consumer that reads only committed records and never commits offsets on its own.</summary>
    /// <param name="groupId">The consumer group id.</param>
    /// <returns>A new configuration.</returns>
    public ConsumerConfig CreateConsumerConfig(string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = ClientId,
            GroupId = groupId,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        return Apply(config);
    }

    private T Apply<T>(T config)
        where T : ClientConfig
    {
        foreach (var (key, value) in Properties)
        {
            config.Set(key, value);
        }

        return config;
    }
}
