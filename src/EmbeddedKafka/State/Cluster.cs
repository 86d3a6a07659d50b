using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Storage;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// Everything the broker knows: topics and their logs, producer ids, transactions and groups.
/// Topic, log and transaction state change only under <see cref="Sync"/>; groups have their own lock.
/// </summary>
internal sealed class Cluster
{
    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private long _nextProducerId = 1000;
    private BrokerStorage? _storage;

    public Cluster(EmbeddedKafkaOptions options, TimeProvider time, ILogger logger)
    {
        Options = options;
        Time = time;
        Logger = logger;
        Faults = new BrokerFaults(time);
        Transactions = new TransactionCoordinator(this);
        Groups = new GroupCoordinator(this);
    }

    public Lock Sync { get; } = new();

    public EmbeddedKafkaOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public BrokerFaults Faults { get; }

    public TransactionCoordinator Transactions { get; }

    public GroupCoordinator Groups { get; }

    public int NodeId => Options.NodeId;

    /// <summary>The implemented APIs; set once at start-up, before the first connection.</summary>
    public Apis.ApiTable? Apis { get; set; }

    /// <summary>The host and port clients are told to connect to; set once the listener is bound.</summary>
    public string AdvertisedHost { get; set; } = "";

    public int AdvertisedPort { get; set; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Topics by name; read and change under <see cref="Sync"/>.</summary>
    public IReadOnlyDictionary<string, Topic> Topics => _topics;

    public long NextProducerId()
    {
        var producerId = Interlocked.Increment(ref _nextProducerId);
        ProducerIdAllocated?.Invoke(producerId);
        return producerId;
    }

    /// <summary>Raises the producer id counter past ids restored from disk.</summary>
    public void ReserveProducerIds(long upTo)
    {
        long current;
        while ((current = Interlocked.Read(ref _nextProducerId)) < upTo && Interlocked.CompareExchange(ref _nextProducerId, upTo, current) != current)
        {
        }
    }

    public PartitionLog? FindPartition(string topic, int partition) =>
        _topics.TryGetValue(topic, out var t) && partition >= 0 && partition < t.Partitions.Count ? t.Partitions[partition] : null;

    /// <summary>Finds a topic, creating it with the default partition count when auto-creation allows.</summary>
    public Topic? FindOrAutoCreate(string name, bool clientAllowsAutoCreate)
    {
        if (_topics.TryGetValue(name, out var topic))
        {
            return topic;
        }

        if (!Options.AutoCreateTopics || !clientAllowsAutoCreate || TopicName.Validate(name) != ErrorCode.None)
        {
            return null;
        }

        CreateTopic(name, Options.DefaultPartitions, new Dictionary<string, string?>(), out topic);
        return topic;
    }

    public ErrorCode CreateTopic(string name, int partitions, IReadOnlyDictionary<string, string?> configs, out Topic? topic)
    {
        topic = null;
        var invalid = TopicName.Validate(name);
        if (invalid != ErrorCode.None)
        {
            return invalid;
        }

        if (_topics.ContainsKey(name))
        {
            return ErrorCode.TopicAlreadyExists;
        }

        if (partitions < 1)
        {
            return ErrorCode.InvalidPartitions;
        }

        topic = new Topic(name, Guid.NewGuid(), Enumerable.Range(0, partitions).Select(p => new PartitionLog(name, p)), configs);
        _topics[name] = topic;
        TopicsChanged?.Invoke(topic);
        return ErrorCode.None;
    }

    /// <summary>Adds a topic read back from the data directory, with empty logs and without raising <see cref="TopicsChanged"/>.</summary>
    public Topic RestoreTopic(string name, Guid id, int partitions, IReadOnlyDictionary<string, string?> configs)
    {
        var topic = new Topic(name, id, Enumerable.Range(0, partitions).Select(p => new PartitionLog(name, p)), configs);
        _topics.Add(name, topic);
        return topic;
    }

    public bool DeleteTopic(string name)
    {
        if (!_topics.Remove(name, out var topic))
        {
            return false;
        }

        TopicDeleted?.Invoke(topic);
        return true;
    }

    public ErrorCode AddPartitions(string name, int totalCount)
    {
        if (!_topics.TryGetValue(name, out var topic))
        {
            return ErrorCode.UnknownTopicOrPartition;
        }

        if (totalCount <= topic.Partitions.Count)
        {
            return ErrorCode.InvalidPartitions;
        }

        for (var p = topic.Partitions.Count; p < totalCount; p++)
        {
            topic.Partitions.Add(new PartitionLog(name, p));
        }

        TopicsChanged?.Invoke(topic);
        return ErrorCode.None;
    }

    /// <summary>Replaces a topic's config overrides (AlterConfigs, IncrementalAlterConfigs).</summary>
    public void ReplaceTopicConfigs(Topic topic, IReadOnlyDictionary<string, string?> configs)
    {
        topic.Configs.Clear();
        foreach (var (name, value) in configs)
        {
            topic.Configs[name] = value;
        }

        TopicsChanged?.Invoke(topic);
    }

    /// <summary>Runs the periodic work: retention, transaction timeouts, group session expiry.</summary>
    public void Tick()
    {
        var now = NowMs;
        lock (Sync)
        {
            foreach (var topic in _topics.Values)
            {
                var retentionBytes = TopicConfigs.EffectiveRetentionBytes(topic, Options);
                var retentionMs = TopicConfigs.EffectiveRetentionMs(topic, Options);
                var minTimestamp = retentionMs >= 0 ? now - retentionMs : long.MinValue;
                foreach (var partition in topic.Partitions)
                {
                    partition.ApplyRetention(retentionBytes, minTimestamp);
                }
            }
        }

        Transactions.Tick(now);
        Groups.Tick(now);
    }

    /// <summary>Loads the data directory, when there is one; called before the broker serves clients.</summary>
    public async Task OpenStorageAsync(CancellationToken cancellationToken)
    {
        if (Options.DataDirectory is { } directory)
        {
            _storage = await BrokerStorage.OpenAsync(this, directory, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes and closes the data directory, when there is one; called once no client is served.</summary>
    public async Task CloseStorageAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
            _storage = null;
        }
    }

    /// <summary>Raised under <see cref="Sync"/> when a topic is created or grows; persistence listens.</summary>
    public event Action<Topic>? TopicsChanged;

    /// <summary>Raised under <see cref="Sync"/> when a topic is deleted.</summary>
    public event Action<Topic>? TopicDeleted;

    /// <summary>Raised for every request header read, before its version is checked: (api key, version). Tests observe what clients negotiate.</summary>
    public event Action<short, short>? RequestReceived;

    public void ObserveRequest(short apiKey, short version) => RequestReceived?.Invoke(apiKey, version);

    /// <summary>Raised with each new producer id before it is handed out; persistence records the high-water.</summary>
    public event Action<long>? ProducerIdAllocated;
}
