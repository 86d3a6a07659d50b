using System.Globalization;
using System.Text;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// The data directory of a broker, laid out as:
/// <code>
/// .lock                     held while a broker uses the directory
/// topics.json               topics: name, id, partition count, configs (atomic rewrite)
/// producer-ids              the highest producer id that may have been handed out (atomic rewrite)
/// offsets.journal           committed group offsets (checksummed journal, compacted at start-up)
/// transactions.journal      transactional ids: producer id, epoch, timeout, transaction state (same)
/// topics/{id}/{partition}/  segment files and the log start offset of each partition
/// </code>
/// Everything is written as it changes, under the lock that guards the change (a synchronous write
/// inside <see cref="Cluster.Sync"/>: acceptable for a broker made for tests), and handed to the
/// operating system before the client hears of it. A killed process therefore loses nothing it
/// acknowledged; closing additionally flushes to disk, which only matters for a power loss.
/// Not kept: group membership (members rejoin after a restart, as after a coordinator move) and the
/// offsets an unfinished transaction staged (the transaction is aborted, or completed without them if
/// the broker stopped halfway through its commit).
/// </summary>
internal sealed class BrokerStorage : IAsyncDisposable
{
    private const string LockFileName = ".lock";
    private const string ProducerIdsFileName = "producer-ids";
    private const string TopicsDirectoryName = "topics";

    // Producer ids are reserved in blocks, as Apache Kafka does, so the file is rewritten once per block.
    private const long ProducerIdBlockSize = 1000;

    private readonly Cluster _cluster;
    private readonly string _directory;
    private readonly FileStream _lock;
    private readonly Lock _producerIdSync = new();
    private long _reservedProducerIds;
    private OffsetJournal? _offsets;
    private TransactionJournal? _transactions;

    private BrokerStorage(Cluster cluster, string directory, FileStream lockFile)
    {
        _cluster = cluster;
        _directory = directory;
        _lock = lockFile;
    }

    /// <summary>Loads the directory into <paramref name="cluster"/>, which must not be serving clients yet.</summary>
    public static async Task<BrokerStorage> OpenAsync(Cluster cluster, string directory, CancellationToken cancellationToken)
    {
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"The data directory {directory} is in use by another broker.", e);
        }

        var storage = new BrokerStorage(cluster, directory, lockFile);
        try
        {
            await storage.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return storage;
    }

    /// <summary>Flushes every file to disk and releases the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        var stores = new List<PartitionStore>();
        lock (_cluster.Sync)
        {
            _cluster.TopicsChanged -= OnTopicsChanged;
            _cluster.TopicDeleted -= OnTopicDeleted;
            _cluster.ProducerIdAllocated -= OnProducerIdAllocated;
            foreach (var topic in _cluster.Topics.Values)
            {
                foreach (var log in topic.Partitions)
                {
                    if (log.Storage is PartitionStore store)
                    {
                        stores.Add(store);
                        log.Storage = null;
                    }
                }
            }
        }

        try
        {
            // Flushing to disk may take a while; it runs off the caller's thread and outside the lock.
            await Task.Run(() =>
            {
                foreach (var store in stores)
                {
                    store.Dispose();
                }

                _offsets?.Dispose();
                _transactions?.Dispose();
            }).ConfigureAwait(false);
        }
        finally
        {
            await _lock.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string TopicsDirectory => Path.Combine(_directory, TopicsDirectoryName);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        // No client is connected yet, so nothing else touches the cluster: the restore awaits file reads
        // without holding Cluster.Sync, and takes it only to publish each topic.
        var segmentBytes = _cluster.Options.SegmentBytes;
        var catalogPath = Path.Combine(_directory, TopicCatalog.FileName);
        var catalog = await AtomicFile.ReadAsync(catalogPath, cancellationToken).ConfigureAwait(false);
        var entries = catalog is null ? [] : TopicCatalog.Read(catalogPath, catalog);
        var partitions = 0;
        var highestProducerId = -1L;
        foreach (var entry in entries)
        {
            Topic topic;
            lock (_cluster.Sync)
            {
                topic = _cluster.RestoreTopic(entry.Name, entry.Id, entry.Partitions, entry.Configs);
            }

            foreach (var log in topic.Partitions)
            {
                var store = await PartitionStore.OpenAsync(PartitionDirectory(topic, log.Partition), segmentBytes, log, _cluster.Logger, cancellationToken).ConfigureAwait(false);
                foreach (var batch in log.Batches)
                {
                    highestProducerId = Math.Max(highestProducerId, batch.ProducerId);
                }

                log.Storage = store;
                partitions++;
            }
        }

        DeleteOrphans(entries);

        var reserved = await AtomicFile.ReadAsync(Path.Combine(_directory, ProducerIdsFileName), cancellationToken).ConfigureAwait(false);
        _reservedProducerIds = Math.Max(highestProducerId, reserved is null ? 0 : long.Parse(Encoding.ASCII.GetString(reserved), NumberStyles.None, CultureInfo.InvariantCulture));
        _cluster.ReserveProducerIds(_reservedProducerIds);

        _offsets = await OffsetJournal.OpenAsync(Path.Combine(_directory, OffsetJournal.FileName), _cluster.Groups, _cluster.Logger, cancellationToken).ConfigureAwait(false);
        _transactions = await TransactionJournal.OpenAsync(Path.Combine(_directory, TransactionJournal.FileName), _cluster, _cluster.Logger, cancellationToken).ConfigureAwait(false);

        lock (_cluster.Sync)
        {
            AbortOpenTransactions();
            _cluster.TopicsChanged += OnTopicsChanged;
            _cluster.TopicDeleted += OnTopicDeleted;
            _cluster.ProducerIdAllocated += OnProducerIdAllocated;
        }

        Log.StorageOpened(_cluster.Logger, _directory, entries.Count, partitions, _offsets.GroupCount);
    }

    /// <summary>
    /// Ends every transaction still open once the transaction coordinator is restored: those of
    /// producers it does not know (their journal record was lost). Apache Kafka would time them out;
    /// aborting at start-up is the same outcome, sooner: an ABORT marker on each partition written to.
    /// </summary>
    private void AbortOpenTransactions()
    {
        var now = _cluster.NowMs;
        foreach (var topic in _cluster.Topics.Values)
        {
            foreach (var log in topic.Partitions)
            {
                foreach (var producerId in log.OpenTransactions.Keys.ToList())
                {
                    var epoch = log.FindProducer(producerId)?.Epoch ?? 0;
                    log.EndTransaction(producerId, epoch, commit: false, now);
                    Log.OpenTransactionAborted(_cluster.Logger, producerId, topic.Name, log.Partition);
                }
            }
        }
    }

    private void DeleteOrphans(List<TopicCatalog.Entry> entries)
    {
        if (!Directory.Exists(TopicsDirectory))
        {
            return;
        }

        // A topic deleted just before a crash, or created just before one and never written down.
        var known = entries.Select(e => TopicDirectoryName(e.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateDirectories(TopicsDirectory))
        {
            if (!known.Contains(Path.GetFileName(path)))
            {
                Directory.Delete(path, recursive: true);
                Log.OrphanDeleted(_cluster.Logger, path);
            }
        }
    }

    private void OnTopicsChanged(Topic topic)
    {
        WriteCatalog();
        foreach (var log in topic.Partitions)
        {
            log.Storage ??= PartitionStore.Create(PartitionDirectory(topic, log.Partition), _cluster.Options.SegmentBytes);
        }
    }

    private void OnTopicDeleted(Topic topic)
    {
        WriteCatalog();
        foreach (var log in topic.Partitions)
        {
            if (log.Storage is PartitionStore store)
            {
                store.Dispose();
                log.Storage = null;
            }
        }

        var path = Path.Combine(TopicsDirectory, TopicDirectoryName(topic.Id));
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private void OnProducerIdAllocated(long producerId)
    {
        // Runs before the id is handed out, so no id is ever given twice across a restart.
        lock (_producerIdSync)
        {
            if (producerId <= _reservedProducerIds)
            {
                return;
            }

            var reserved = producerId + ProducerIdBlockSize - 1;
            AtomicFile.Write(Path.Combine(_directory, ProducerIdsFileName), Encoding.ASCII.GetBytes(reserved.ToString(CultureInfo.InvariantCulture)));
            _reservedProducerIds = reserved;
        }
    }

    private void WriteCatalog() => TopicCatalog.Write(Path.Combine(_directory, TopicCatalog.FileName), _cluster.Topics.Values);

    private string PartitionDirectory(Topic topic, int partition) =>
        Path.Combine(TopicsDirectory, TopicDirectoryName(topic.Id), partition.ToString(CultureInfo.InvariantCulture));

    // By id, not name: names differing only in case would share a directory on some file systems, and a
    // topic re-created under the same name starts empty.
    private static string TopicDirectoryName(Guid id) => id.ToString("N");
}
