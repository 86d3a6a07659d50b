using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// Transactional ids as a journal of their coordinator state: producer id, epoch, timeout and where
/// the current transaction stands. The partitions of an open transaction are not journaled: the logs
/// themselves tell which partitions still wait for its marker.
/// </summary>
internal sealed class TransactionJournal : IDisposable
{
    public const string FileName = "transactions.journal";
    private readonly Cluster _cluster;
    private readonly KeyedJournal<string, Entry> _journal;

    private TransactionJournal(Cluster cluster, KeyedJournal<string, Entry> journal)
    {
        _cluster = cluster;
        _journal = journal;
    }

    /// <summary>
    /// Restores the journal's transactional ids into the coordinator, ending the transactions the broker
    /// stopped in the middle of, and starts recording changes. The logs must be restored already.
    /// </summary>
    public static async Task<TransactionJournal> OpenAsync(string path, Cluster cluster, ILogger logger, CancellationToken cancellationToken)
    {
        var journal = await KeyedJournal<string, Entry>.OpenAsync(path, Decode, Encode, logger, cancellationToken).ConfigureAwait(false);
        var transactions = new TransactionJournal(cluster, journal);
        lock (cluster.Sync)
        {
            var open = OpenPartitionsByProducer(cluster);
            foreach (var (transactionalId, entry) in journal.Live.ToList())
            {
                cluster.Transactions.Restore(transactionalId, entry.ProducerId, entry.Epoch, entry.TimeoutMs, entry.State, open.GetValueOrDefault(entry.ProducerId, []));
                transactions.OnChanged(cluster.Transactions.Find(transactionalId)!);
            }

            cluster.Transactions.Changed += transactions.OnChanged;
        }

        return transactions;
    }

    public void Dispose()
    {
        lock (_cluster.Sync)
        {
            _cluster.Transactions.Changed -= OnChanged;
        }

        _journal.Dispose();
    }

    // Raised under Cluster.Sync, so calls never overlap.
    private void OnChanged(TransactionMetadata txn) =>
        _journal.Set(txn.TransactionalId, txn.State == TransactionState.Dead ? null : new Entry(txn.ProducerId, txn.Epoch, txn.TimeoutMs, txn.State));

    private static Dictionary<long, List<(string Topic, int Partition)>> OpenPartitionsByProducer(Cluster cluster)
    {
        var open = new Dictionary<long, List<(string Topic, int Partition)>>();
        foreach (var topic in cluster.Topics.Values)
        {
            foreach (var log in topic.Partitions)
            {
                foreach (var producerId in log.OpenTransactions.Keys)
                {
                    if (!open.TryGetValue(producerId, out var partitions))
                    {
                        open[producerId] = partitions = [];
                    }

                    partitions.Add((topic.Name, log.Partition));
                }
            }
        }

        return open;
    }

    private static byte[] Encode(string transactionalId, Entry? entry)
    {
        var writer = new KafkaWriter(48);
        writer.WriteNullableString(transactionalId, compact: true);
        writer.WriteBool(entry is not null);
        if (entry is not null)
        {
            writer.WriteInt64(entry.ProducerId);
            writer.WriteInt16(entry.Epoch);
            writer.WriteInt32(entry.TimeoutMs);
            writer.WriteInt8((sbyte)entry.State);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static (string Key, Entry? Value) Decode(byte[] record)
    {
        var reader = new KafkaReader(record);
        var transactionalId = reader.ReadString(compact: true, "transactional id");
        if (!reader.ReadBool())
        {
            return (transactionalId, null);
        }

        return (transactionalId, new Entry(reader.ReadInt64(), reader.ReadInt16(), reader.ReadInt32(), (TransactionState)reader.ReadInt8()));
    }

    /// <summary>What is journaled of one transactional id.</summary>
    private sealed record Entry(long ProducerId, short Epoch, int TimeoutMs, TransactionState State);
}
