namespace Outbox.EmbeddedKafka;

/// <summary>Settings of an <see cref="EmbeddedKafkaBroker"/>. The defaults suit tests: fast group and transaction timers.</summary>
public sealed class EmbeddedKafkaOptions
{
    /// <summary>The address to listen on and advertise. Default 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port to listen on; 0 picks a free one. Default 0.</summary>
    public int Port { get; set; }

    /// <summary>The node id the broker advertises. Default 1.</summary>
    public int NodeId { get; set; } = 1;

    /// <summary>The cluster id the broker advertises.</summary>
    public string ClusterId { get; set; } = "embedded-kafka";

    /// <summary>Partitions of a topic created automatically or without a partition count. Default 1.</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>Whether Metadata and Produce requests for unknown topics create them. Default true.</summary>
    public bool AutoCreateTopics { get; set; } = true;

    /// <summary>The largest transaction timeout a producer may ask for (transaction.max.timeout.ms). Default 15 minutes.</summary>
    public TimeSpan MaxTransactionTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often open transactions are checked for expiry. Default 100 ms.</summary>
    public TimeSpan TransactionTimeoutCheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The smallest session timeout a group member may ask for. Default 100 ms.</summary>
    public TimeSpan GroupMinSessionTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest session timeout a group member may ask for. Default 30 minutes.</summary>
    public TimeSpan GroupMaxSessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a new group waits for more members before its first rebalance completes. Default 0.</summary>
    public TimeSpan GroupInitialRebalanceDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Bytes kept per partition before the oldest batches are deleted; null keeps everything. Default 256 MiB. A produce
    /// that takes a log a sixteenth past it trims the log back at once, so its memory stays near the limit at any rate.
    /// </summary>
    public long? RetentionBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Age after which batches are deleted; null keeps them. Default 7 days.</summary>
    public TimeSpan? RetentionTime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The largest request frame accepted (socket.request.max.bytes). Default 100 MiB.</summary>
    public int MaxRequestSize { get; set; } = 100 * 1024 * 1024;

    /// <summary>The largest record batch accepted (message.max.bytes). Default 1 MiB plus overhead, as Kafka.</summary>
    public int MaxMessageBytes { get; set; } = 1_048_588;

    /// <summary>
    /// A directory where topics, records, committed offsets and transaction state are kept, so a broker
    /// restarted on it carries on where the last one stopped. Null keeps everything in memory.
    /// </summary>
    /// <remarks>
    /// Every change reaches the operating system before the client is answered, so a killed process
    /// loses nothing acknowledged; files are flushed to the disk itself only when the broker stops, so a
    /// power loss may. At start-up a write torn by a crash is cut off and a transaction left open is
    /// aborted. One broker at a time may use a directory.
    /// </remarks>
    public string? DataDirectory { get; set; }

    /// <summary>The size at which a partition's segment file is closed and a new one started. Default 16 MiB.</summary>
    internal int SegmentBytes { get; set; } = 16 * 1024 * 1024;

    internal void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }

        Require(!string.IsNullOrWhiteSpace(Host), "EmbeddedKafkaOptions.Host must not be empty.");
        Require(Port is >= 0 and <= 65535, $"EmbeddedKafkaOptions.Port must be 0-65535, was {Port}.");
        Require(DefaultPartitions >= 1, $"EmbeddedKafkaOptions.DefaultPartitions must be at least 1, was {DefaultPartitions}.");
        Require(MaxTransactionTimeout > TimeSpan.Zero, "EmbeddedKafkaOptions.MaxTransactionTimeout must be positive.");
        Require(TransactionTimeoutCheckInterval > TimeSpan.Zero, "EmbeddedKafkaOptions.TransactionTimeoutCheckInterval must be positive.");
        Require(GroupMinSessionTimeout > TimeSpan.Zero && GroupMinSessionTimeout <= GroupMaxSessionTimeout,
            "EmbeddedKafkaOptions.GroupMinSessionTimeout must be positive and at most GroupMaxSessionTimeout.");
        Require(GroupInitialRebalanceDelay >= TimeSpan.Zero, "EmbeddedKafkaOptions.GroupInitialRebalanceDelay must not be negative.");
        Require(RetentionBytes is null or > 0, "EmbeddedKafkaOptions.RetentionBytes must be positive or null.");
        Require(RetentionTime is null || RetentionTime > TimeSpan.Zero, "EmbeddedKafkaOptions.RetentionTime must be positive or null.");
        Require(MaxRequestSize >= 1024, "EmbeddedKafkaOptions.MaxRequestSize must be at least 1024 bytes.");
        Require(MaxMessageBytes >= 1024, "EmbeddedKafkaOptions.MaxMessageBytes must be at least 1024 bytes.");
        Require(SegmentBytes >= 1024, "EmbeddedKafkaOptions.SegmentBytes must be at least 1024 bytes.");
    }
}
