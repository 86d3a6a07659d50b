using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// Committed group offsets as a journal of changes: one record per commit or deletion, replayed into
/// the <see cref="GroupCoordinator"/> at start-up and compacted to one record per offset then and
/// whenever superseded records outnumber live ones.
/// </summary>
internal sealed class OffsetJournal : IDisposable
{
    public const string FileName = "offsets.journal";
    private const int MinRecordsBeforeCompaction = 1024;
    private readonly Lock _sync = new();
    private readonly GroupCoordinator _groups;
    private readonly string _path;
    private readonly Dictionary<(string Group, string Topic, int Partition), CommittedOffset> _live;
    private RecordJournal _journal;
    private int _records;

    private OffsetJournal(GroupCoordinator groups, string path, Dictionary<(string Group, string Topic, int Partition), CommittedOffset> live)
    {
        _groups = groups;
        _path = path;
        _live = live;
        _journal = Compact();
        _groups.OffsetChanged += OnOffsetChanged;
    }

    /// <summary>Restores the journal's offsets into <paramref name="groups"/>, compacts it and starts recording changes.</summary>
    public static async Task<(OffsetJournal Journal, int Groups)> OpenAsync(string path, GroupCoordinator groups, Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken)
    {
        var (records, dropped) = await RecordJournal.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (dropped > 0)
        {
            Log.JournalTailDropped(logger, path, dropped);
        }

        var offsets = new Dictionary<(string Group, string Topic, int Partition), CommittedOffset>();
        foreach (var record in records)
        {
            var (key, offset) = Decode(record);
            if (offset is null)
            {
                offsets.Remove(key);
            }
            else
            {
                offsets[key] = offset;
            }
        }

        foreach (var ((group, topic, partition), offset) in offsets)
        {
            groups.CommitOffset(group, topic, partition, offset);
        }

        return (new OffsetJournal(groups, path, offsets), offsets.Keys.Select(k => k.Group).Distinct().Count());
    }

    public void Dispose()
    {
        _groups.OffsetChanged -= OnOffsetChanged;
        lock (_sync)
        {
            _journal.Dispose();
        }
    }

    private void OnOffsetChanged(string group, string topic, int partition, CommittedOffset? changed)
    {
        // The event is raised outside the coordinator's lock, so two changes may arrive out of order:
        // record the offset as it is now, which the later of the two records last.
        lock (_sync)
        {
            var current = _groups.FindOffset(group, topic, partition);
            _journal.Append(Encode(group, topic, partition, current));
            if (current is null)
            {
                _live.Remove((group, topic, partition));
            }
            else
            {
                _live[(group, topic, partition)] = current;
            }

            if (++_records > Math.Max(MinRecordsBeforeCompaction, 4 * _live.Count))
            {
                _journal.Dispose();
                _journal = Compact();
            }
        }
    }

    private RecordJournal Compact()
    {
        _records = _live.Count;
        return RecordJournal.Rewrite(_path, _live.Select(o => Encode(o.Key.Group, o.Key.Topic, o.Key.Partition, o.Value)));
    }

    private static byte[] Encode(string group, string topic, int partition, CommittedOffset? offset)
    {
        var writer = new KafkaWriter(64);
        writer.WriteNullableString(group, compact: true);
        writer.WriteNullableString(topic, compact: true);
        writer.WriteInt32(partition);
        writer.WriteBool(offset is not null);
        if (offset is not null)
        {
            writer.WriteInt64(offset.Offset);
            writer.WriteInt32(offset.LeaderEpoch);
            writer.WriteNullableString(offset.Metadata, compact: true);
            writer.WriteInt64(offset.CommitTimestamp);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static ((string Group, string Topic, int Partition) Key, CommittedOffset? Offset) Decode(byte[] record)
    {
        var reader = new KafkaReader(record);
        var key = (reader.ReadString(compact: true, "group"), reader.ReadString(compact: true, "topic"), reader.ReadInt32());
        if (!reader.ReadBool())
        {
            return (key, null);
        }

        return (key, new CommittedOffset(reader.ReadInt64(), reader.ReadInt32(), reader.ReadNullableString(compact: true), reader.ReadInt64()));
    }
}
