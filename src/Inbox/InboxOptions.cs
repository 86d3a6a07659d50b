using Outbox.Messaging;

namespace Outbox.Inbox;

/// <summary>Settings of the inbox consumer host. Invalid settings fail at start-up with a message naming the setting.</summary>
public sealed class InboxOptions
{
    private readonly List<InboxSubscription> _subscriptions = [];

    /// <summary>The consumer group; instances with the same group share the partitions (competing consumers). Required.</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>Where Kafka is; consumers use its read_committed, manual-commit defaults.</summary>
    public KafkaClientOptions Kafka { get; } = new();

    /// <summary>The topics consumed, in the order they were added.</summary>
    public IReadOnlyList<InboxSubscription> Subscriptions => _subscriptions;

    /// <summary>Consumers of the group run by this process, each on its own thread with its own partitions. Default 1.</summary>
    public int ConsumersPerHost { get; set; } = 1;

    /// <summary>Records handled at once by one consumer, across its partitions. Default 16.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 16;

    /// <summary>
    /// Records received but not finished, per partition, at which fetching the partition pauses until at most half
    /// are left (and at most half of <see cref="MaxBufferedBytesPerPartition"/>). Default 10,000: a resumed partition
    /// delivers again only after the client's fetch in flight returns (up to <c>fetch.wait.max.ms</c>, 500 ms), and
    /// the half left at the resume keeps the handlers busy meanwhile.
    /// </summary>
    public int MaxBufferedRecordsPerPartition { get; set; } = 10_000;

    /// <summary>
    /// Bytes of key, value and headers of the records received but not finished, per partition, at which fetching
    /// the partition pauses until at most half are left; bounds memory when records are large. Default 16 MiB.
    /// </summary>
    public long MaxBufferedBytesPerPartition { get; set; } = 16 * 1024 * 1024;

    /// <summary>Attempts per record before it goes to the dead-letter topic, including the first. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second attempt; it doubles per attempt up to <see cref="MaxRetryBackoff"/>. Default 200 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts. Default 10 s.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Appended to a topic's name to name its dead-letter topic. Default <c>.dlt</c>.</summary>
    public string DeadLetterTopicSuffix { get; set; } = ".dlt";

    /// <summary>What to do with a record without a valid <c>ce_id</c>. Default <see cref="MissingEventIdHandling.DeadLetter"/>.</summary>
    public MissingEventIdHandling MissingEventId { get; set; } = MissingEventIdHandling.DeadLetter;

    /// <summary>How often finished offsets are committed. Default 1 s.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a revoked partition's running records may take to finish before they are cancelled. Default 10 s.</summary>
    public TimeSpan RevocationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long running records may take to finish when the host stops before they are cancelled. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long inbox rows are kept; it must exceed the longest time a record can be redelivered. Null keeps them. Default 7 days.</summary>
    public TimeSpan? ProcessedEventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the retention job deletes expired inbox rows. Default 1 hour.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Consumes <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="ordering">How the topic's records are ordered. Default <see cref="MessageOrdering.Key"/>.</param>
    /// <returns>These options, for chaining.</returns>
    public InboxOptions Subscribe(string topic, MessageOrdering ordering = MessageOrdering.Key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _subscriptions.Add(new InboxSubscription(topic, ordering));
        return this;
    }
}
