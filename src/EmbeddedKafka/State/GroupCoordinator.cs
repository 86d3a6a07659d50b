using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State.Groups;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// Classic consumer groups: the registry of groups (each a <see cref="ConsumerGroup"/> state machine)
/// and committed offsets, including the offsets a transaction commits (staged per producer, visible
/// only once the transaction commits). One lock guards both; callers may hold Cluster.Sync, never the reverse.
/// </summary>
internal sealed class GroupCoordinator(Cluster cluster)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Dictionary<(string Topic, int Partition), CommittedOffset>> _offsets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Group, long ProducerId), Dictionary<(string Topic, int Partition), CommittedOffset>> _pending = [];
    private readonly Dictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);

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
    public ErrorCode ValidateTransactionalCommit(string group, int generationId, string memberId, string? groupInstanceId)
    {
        lock (_sync)
        {
            if (_groups.TryGetValue(group, out var consumerGroup))
            {
                return consumerGroup.ValidateOffsetCommit(generationId, memberId, groupInstanceId, transactional: true);
            }

            return generationId >= 0 || memberId.Length > 0 || groupInstanceId is not null ? ErrorCode.UnknownMemberId : ErrorCode.None;
        }
    }

    /// <summary>Expires members whose session ran out; called from the broker's timer.</summary>
    public void Tick(long nowMs)
    {
        lock (_sync)
        {
            foreach (var group in _groups.Values)
            {
                group.Tick(nowMs);
            }
        }
    }

    /// <summary>JoinGroup; the task completes when the rebalance does (or at once for an error or a known generation).</summary>
    public Task<JoinResult> Join(string group, JoinRequest request)
    {
        lock (_sync)
        {
            if (!_groups.TryGetValue(group, out var consumerGroup))
            {
                if (request.MemberId.Length > 0)
                {
                    return Task.FromResult(new JoinResult(ErrorCode.UnknownMemberId, request.MemberId));
                }

                _groups[group] = consumerGroup = new ConsumerGroup(group, Cluster.Options, Cluster.Logger);
            }

            return consumerGroup.Join(request, Cluster.NowMs);
        }
    }

    /// <summary>SyncGroup; followers' tasks complete when the leader's assignment arrives.</summary>
    public Task<SyncResult> Sync(string group, string memberId, string? groupInstanceId, int generationId, string? protocolType, string? protocolName,
        IReadOnlyDictionary<string, byte[]> assignments)
    {
        lock (_sync)
        {
            return _groups.TryGetValue(group, out var consumerGroup)
                ? consumerGroup.Sync(memberId, groupInstanceId, generationId, protocolType, protocolName, assignments, Cluster.NowMs)
                : Task.FromResult(new SyncResult(ErrorCode.UnknownMemberId));
        }
    }

    public ErrorCode Heartbeat(string group, string memberId, string? groupInstanceId, int generationId)
    {
        lock (_sync)
        {
            return _groups.TryGetValue(group, out var consumerGroup)
                ? consumerGroup.Heartbeat(memberId, groupInstanceId, generationId, Cluster.NowMs)
                : ErrorCode.UnknownMemberId;
        }
    }

    /// <summary>LeaveGroup for each (member id, instance id); one error per member.</summary>
    public IReadOnlyList<ErrorCode> Leave(string group, IReadOnlyList<(string MemberId, string? GroupInstanceId)> members)
    {
        lock (_sync)
        {
            if (!_groups.TryGetValue(group, out var consumerGroup))
            {
                return [.. members.Select(_ => ErrorCode.UnknownMemberId)];
            }

            if (consumerGroup.State == GroupState.Dead)
            {
                return [.. members.Select(_ => ErrorCode.CoordinatorNotAvailable)];
            }

            var now = Cluster.NowMs;
            return [.. members.Select(m => consumerGroup.Leave(m.MemberId, m.GroupInstanceId, now))];
        }
    }

    /// <summary>OffsetCommit: checks the committer against the group, then stores every offset; a standalone commit (generation -1, no member) needs a group without members.</summary>
    public ErrorCode CommitOffsets(string group, int generationId, string memberId, string? groupInstanceId,
        IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> offsets)
    {
        lock (_sync)
        {
            var error = _groups.TryGetValue(group, out var consumerGroup)
                ? consumerGroup.ValidateOffsetCommit(generationId, memberId, groupInstanceId, transactional: false)
                : generationId >= 0 ? ErrorCode.IllegalGeneration
                : memberId.Length > 0 || groupInstanceId is not null ? ErrorCode.UnknownMemberId
                : ErrorCode.None;
            if (error != ErrorCode.None)
            {
                return error;
            }

            if (!_offsets.TryGetValue(group, out var stored))
            {
                _offsets[group] = stored = [];
            }

            foreach (var (topic, partition, offset) in offsets)
            {
                stored[(topic, partition)] = offset;
            }
        }

        foreach (var (topic, partition, offset) in offsets)
        {
            OffsetChanged?.Invoke(group, topic, partition, offset);
        }

        return ErrorCode.None;
    }

    /// <summary>Every committed offset of a group (OffsetFetch without topics).</summary>
    public IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> OffsetsOf(string group)
    {
        lock (_sync)
        {
            return _offsets.TryGetValue(group, out var offsets)
                ? [.. offsets.Select(o => (o.Key.Topic, o.Key.Partition, o.Value)).OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition)]
                : [];
        }
    }

    /// <summary>Every group: those with members or a history of them, and those that only have committed offsets (Empty).</summary>
    public IReadOnlyList<GroupDescription> ListGroups()
    {
        lock (_sync)
        {
            return [.. _groups.Keys.Union(_offsets.Keys).Order(StringComparer.Ordinal).Select(DescribeLocked)];
        }
    }

    /// <summary>DescribeGroups: an unknown group is Dead, as Kafka answers.</summary>
    public GroupDescription Describe(string group)
    {
        lock (_sync)
        {
            return DescribeLocked(group);
        }
    }

    /// <summary>DeleteGroups: only a group without members; its committed offsets go with it.</summary>
    public ErrorCode DeleteGroup(string group)
    {
        List<(string Topic, int Partition)> deleted;
        lock (_sync)
        {
            var consumerGroup = _groups.GetValueOrDefault(group);
            if (consumerGroup is null && !_offsets.ContainsKey(group))
            {
                return ErrorCode.GroupIdNotFound;
            }

            if (consumerGroup is not null && consumerGroup.State != GroupState.Empty)
            {
                return consumerGroup.State == GroupState.Dead ? ErrorCode.GroupIdNotFound : ErrorCode.NonEmptyGroup;
            }

            consumerGroup?.MarkDead();
            _groups.Remove(group);
            deleted = _offsets.Remove(group, out var offsets) ? [.. offsets.Keys] : [];
        }

        foreach (var (topic, partition) in deleted)
        {
            OffsetChanged?.Invoke(group, topic, partition, null);
        }

        Log.GroupDeleted(Cluster.Logger, group);
        return ErrorCode.None;
    }

    /// <summary>
    /// OffsetDelete: removes committed offsets of topics no current member subscribes to; the others get
    /// GROUP_SUBSCRIBED_TO_TOPIC. A group with members that does not use the consumer protocol is NON_EMPTY_GROUP.
    /// </summary>
    public (ErrorCode Error, IReadOnlyList<ErrorCode> Partitions) DeleteOffsets(string group, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        var results = new ErrorCode[partitions.Count];
        var deleted = new List<(string Topic, int Partition)>();
        lock (_sync)
        {
            var consumerGroup = _groups.GetValueOrDefault(group);
            if ((consumerGroup is null && !_offsets.ContainsKey(group)) || consumerGroup?.State == GroupState.Dead)
            {
                return (ErrorCode.GroupIdNotFound, []);
            }

            if (consumerGroup is not null && consumerGroup.State != GroupState.Empty && consumerGroup.ProtocolType != "consumer")
            {
                return (ErrorCode.NonEmptyGroup, []);
            }

            var offsets = _offsets.GetValueOrDefault(group);
            for (var i = 0; i < partitions.Count; i++)
            {
                var (topic, partition) = partitions[i];
                if (consumerGroup is not null && consumerGroup.State != GroupState.Empty && consumerGroup.IsSubscribedTo(topic))
                {
                    results[i] = ErrorCode.GroupSubscribedToTopic;
                }
                else if (offsets?.Remove((topic, partition)) == true)
                {
                    deleted.Add((topic, partition));
                }
            }
        }

        foreach (var (topic, partition) in deleted)
        {
            OffsetChanged?.Invoke(group, topic, partition, null);
        }

        return (ErrorCode.None, results);
    }

    private GroupDescription DescribeLocked(string group) =>
        _groups.TryGetValue(group, out var consumerGroup) ? consumerGroup.Describe()
        : _offsets.ContainsKey(group) ? new GroupDescription(group, GroupState.Empty, "", "", [])
        : new GroupDescription(group, GroupState.Dead, "", "", []);
}
