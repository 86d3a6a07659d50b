using Outbox.Messaging;

namespace Outbox;

/// <summary>
/// Configures the outbox: how messages are written (type names, serializer, topics) and how the
/// relay publishes them (lanes, batches, leases, Kafka). Validated at start-up; an invalid value
/// stops the host with a message naming the option.
/// </summary>
public sealed class OutboxOptions
{
    private readonly Dictionary<Type, string> _topics = [];

    /// <summary>Where Kafka is. Required when the relay runs.</summary>
    public KafkaClientOptions Kafka { get; } = new();

    /// <summary>The stable message type names. Types declared with <see cref="MessageTypeAttribute"/> need no registration.</summary>
    public MessageTypeRegistry Types { get; set; } = new();

    /// <summary>Serializes message payloads; JSON by default.</summary>
    public IMessageSerializer Serializer { get; set; } = new JsonMessageSerializer();

    /// <summary>The CloudEvents <c>source</c> of every message, for example <c>/orders-service</c>.</summary>
    public string Source { get; set; } = "/" + (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "outbox");

    /// <summary>Whether this process runs the relay. Turn it off in processes that only write messages.</summary>
    public bool EnableRelay { get; set; } = true;

    /// <summary>
    /// How many lanes the outbox is split into by a hash of the aggregate key. Each lane is published
    /// in order by one relay instance at a time. Changing it re-maps keys to lanes, so only change it
    /// while the outbox is drained.
    /// </summary>
    public int LaneCount { get; set; } = 4;

    /// <summary>The most messages published in one Kafka transaction.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>The prefix of each lane's <c>transactional.id</c>; the lane number is appended.</summary>
    public string TransactionalIdPrefix { get; set; } = "outbox-relay-";

    /// <summary>The compacted topic where the relay records which batch each lane last committed (partition = lane).</summary>
    public string CheckpointTopic { get; set; } = "outbox-relay-checkpoints";

    /// <summary>How long a lane lease lasts without renewal before another relay instance may take the lane over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the relay looks for messages written by other processes; writes in this process wake it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries while the database or the broker is unavailable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long published messages stay in the outbox table before the cleanup job deletes them.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the cleanup job runs.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a Kafka transaction call (init, commit, abort) may take before it is retried.</summary>
    public TimeSpan KafkaTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends messages of <typeparamref name="TMessage"/> to <paramref name="topic"/> instead of the topic named after the message type.</summary>
    /// <typeparam name="TMessage">The message class.</typeparam>
    /// <param name="topic">The Kafka topic.</param>
    /// <returns>These options, for chaining.</returns>
    public OutboxOptions MapTopic<TMessage>(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _topics[typeof(TMessage)] = topic;
        return this;
    }

    /// <summary>The topic for a message class: the mapped topic, else the message type name.</summary>
    internal string TopicFor(Type type, string typeName) => _topics.TryGetValue(type, out var topic) ? topic : typeName;
}
