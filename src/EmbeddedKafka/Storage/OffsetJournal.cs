using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// Committed group offsets as a journal of changes: one record per commit or deletion, replayed into
/// the <see cref="GroupCoordinator"/> at start-up.
/// </summary>
internal sealed class OffsetJournal : IDisposable
{
    public const string FileName = "offsets.journal";
    private readonly Lock _sync = new();
    private readonly GroupCoordinator _groups;
    private readonly KeyedJournal<(string Group, string Topic, int Partition), CommittedOffset> _journal;

    private OffsetJournal(GroupCoordinator groups, KeyedJournal<(string Group, string Topic, int Partition), CommittedOffset> journal)
    {
        _groups = groups;
        _journal = journal;
        _groups.OffsetChanged += OnOffsetChanged;
    }

    /// <summary>The number of groups with committed offsets.</summary>
    public int GroupCount => _journal.Live.Keys.Select(k => k.Group).Distinct().Count();

    /// <summary>Restores the journal's offsets into <paramref name="groups"/> and starts recording changes.</summary>
    public static async Task<OffsetJournal> OpenAsync(string path, GroupCoordinator groups, ILogger logger, CancellationToken cancellationToken)
    {
        var journal = await KeyedJournal<(string Group, string Topic, int Partition), CommittedOffset>.OpenAsync(path, Decode, Encode, logger, cancellationToken).ConfigureAwait(false);
        foreach (var ((group, topic, partition), offset) in journal.Live)
        {
            groups.CommitOffset(group, topic, partition, offset);
        }

        return new OffsetJournal(groups, journal);
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
            _journal.Set((group, topic, partition), _groups.FindOffset(group, topic, partition));
        }
    }

    private static byte[] Encode((string Group, string Topic, int Partition) key, CommittedOffset? offset)
    {
        var writer = new KafkaWriter(64);
        writer.WriteNullableString(key.Group, compact: true);
        writer.WriteNullableString(key.Topic, compact: true);
        writer.WriteInt32(key.Partition);
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
