using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>
/// A classic group's membership and rebalance state machine, after Apache Kafka's group coordinator:
/// a join by a new member, changed metadata, a leave or an expired session starts a rebalance
/// (PreparingRebalance); it completes when every known member has rejoined or the largest rebalance
/// timeout has passed (members that did not rejoin are removed), the generation is bumped and every
/// joiner is answered (CompletingRebalance); the leader's SyncGroup hands out the assignments (Stable).
/// Every method runs under the coordinator's lock; waiting requests get a task completed later.
/// </summary>
internal sealed class ConsumerGroup(string groupId, EmbeddedKafkaOptions options, ILogger logger)
{
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pendingMembers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingSync = new(StringComparer.Ordinal);
    private long _rebalanceDeadlineMs;
    private long _syncDeadlineMs;
    private bool _initialDelay;
    private long _initialDelayEndsMs;
    private long _initialDelayRemainingMs;
    private bool _newMemberAdded;

    public string GroupId { get; } = groupId;

    public GroupState State { get; private set; } = GroupState.Empty;

    public int GenerationId { get; private set; }

    public string? ProtocolType { get; private set; }

    public string? ProtocolName { get; private set; }

    public string? LeaderId { get; private set; }

    public IEnumerable<GroupMember> Members => _members.Values;

    private int RebalanceTimeoutMs => _members.Count == 0 ? 0 : _members.Values.Max(m => m.RebalanceTimeoutMs);

    public Task<JoinResult> Join(JoinRequest request, long nowMs)
    {
        var isNew = request.MemberId.Length == 0;
        Task<JoinResult> reply;
        if (State == GroupState.Dead)
        {
            reply = Answer(new JoinResult(isNew ? ErrorCode.CoordinatorNotAvailable : ErrorCode.UnknownMemberId, request.MemberId));
        }
        else if (!SupportsProtocols(request.ProtocolType, request.Protocols))
        {
            reply = Answer(new JoinResult(ErrorCode.InconsistentGroupProtocol, request.MemberId));
        }
        else if (!isNew && request.GroupInstanceId is null && _pendingMembers.Remove(request.MemberId))
        {
            reply = AddMemberAndRebalance(request.MemberId, request, nowMs);
        }
        else
        {
            reply = isNew ? JoinNewMember(request, nowMs) : JoinKnownMember(request, nowMs);
        }

        TryCompleteJoin(nowMs);
        return reply;
    }

    public Task<SyncResult> Sync(string memberId, string? groupInstanceId, int generationId, string? protocolType, string? protocolName,
        IReadOnlyDictionary<string, byte[]> assignments, long nowMs)
    {
        if (State == GroupState.Dead)
        {
            return Answer(new SyncResult(ErrorCode.CoordinatorNotAvailable));
        }

        if (IsStaticMemberFenced(groupInstanceId, memberId))
        {
            return Answer(new SyncResult(ErrorCode.FencedInstanceId));
        }

        if (!_members.TryGetValue(memberId, out var member))
        {
            return Answer(new SyncResult(ErrorCode.UnknownMemberId));
        }

        if (generationId != GenerationId)
        {
            return Answer(new SyncResult(ErrorCode.IllegalGeneration));
        }

        if ((protocolType is not null && protocolType != ProtocolType) || (protocolName is not null && protocolName != ProtocolName))
        {
            return Answer(new SyncResult(ErrorCode.InconsistentGroupProtocol));
        }

        switch (State)
        {
            case GroupState.PreparingRebalance:
                return Answer(new SyncResult(ErrorCode.RebalanceInProgress));
            case GroupState.CompletingRebalance:
                var reply = member.AwaitSync();
                _pendingSync.Remove(memberId);
                if (memberId == LeaderId)
                {
                    // Members the leader left out get an empty assignment, as in Kafka.
                    foreach (var m in _members.Values)
                    {
                        m.Assignment = assignments.GetValueOrDefault(m.MemberId) ?? [];
                    }

                    State = GroupState.Stable;
                    foreach (var m in _members.Values)
                    {
                        m.LastHeartbeatMs = nowMs;
                        m.CompleteSync(new SyncResult(ErrorCode.None, ProtocolType, ProtocolName, m.Assignment));
                    }

                    Log.GroupStable(logger, GroupId, GenerationId, _members.Count);
                }

                return reply;
            case GroupState.Stable:
                _pendingSync.Remove(memberId);
                member.LastHeartbeatMs = nowMs;
                return Answer(new SyncResult(ErrorCode.None, ProtocolType, ProtocolName, member.Assignment));
            default:
                return Answer(new SyncResult(ErrorCode.UnknownMemberId));
        }
    }

    public ErrorCode Heartbeat(string memberId, string? groupInstanceId, int generationId, long nowMs)
    {
        if (State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (IsStaticMemberFenced(groupInstanceId, memberId))
        {
            return ErrorCode.FencedInstanceId;
        }

        if (!_members.TryGetValue(memberId, out var member))
        {
            return ErrorCode.UnknownMemberId;
        }

        if (generationId != GenerationId)
        {
            return ErrorCode.IllegalGeneration;
        }

        switch (State)
        {
            case GroupState.CompletingRebalance or GroupState.Stable:
                member.LastHeartbeatMs = nowMs;
                return ErrorCode.None;
            case GroupState.PreparingRebalance:
                member.LastHeartbeatMs = nowMs;
                return ErrorCode.RebalanceInProgress;
            default:
                return ErrorCode.UnknownMemberId;
        }
    }

    /// <summary>Removes a member; an empty member id with an instance id removes that static member (admin removal).</summary>
    public ErrorCode Leave(string memberId, string? groupInstanceId, long nowMs)
    {
        ErrorCode error;
        if (memberId.Length == 0)
        {
            error = groupInstanceId is not null && _staticMembers.TryGetValue(groupInstanceId, out var current)
                ? RemoveMemberAndRebalance(_members[current], "left the group", nowMs)
                : ErrorCode.UnknownMemberId;
        }
        else if (_pendingMembers.Remove(memberId))
        {
            error = ErrorCode.None;
        }
        else
        {
            error = ValidateCurrentMember(memberId, groupInstanceId);
            if (error == ErrorCode.None)
            {
                RemoveMemberAndRebalance(_members[memberId], "left the group", nowMs);
            }
        }

        TryCompleteJoin(nowMs);
        return error;
    }

    /// <summary>
    /// Checks who may commit offsets, as Kafka does: a named member or generation must be the current
    /// one; an anonymous commit (generation -1, no member) is allowed only while the group has no members,
    /// except for transactional commits, which older clients send without group metadata.
    /// </summary>
    public ErrorCode ValidateOffsetCommit(int generationId, string memberId, string? groupInstanceId, bool transactional)
    {
        if (State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (generationId >= 0 || memberId.Length > 0 || groupInstanceId is not null)
        {
            var error = ValidateCurrentMember(memberId, groupInstanceId);
            if (error != ErrorCode.None)
            {
                return error;
            }

            if (generationId != GenerationId)
            {
                return ErrorCode.IllegalGeneration;
            }
        }
        else if (!transactional && State != GroupState.Empty)
        {
            return ErrorCode.UnknownMemberId;
        }

        // A member that has its new generation but not yet its assignment must not commit for partitions it may lose.
        return !transactional && State == GroupState.CompletingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }

    /// <summary>Whether a current member of a "consumer" protocol group subscribes to <paramref name="topic"/> (OffsetDelete).</summary>
    public bool IsSubscribedTo(string topic) =>
        ProtocolType == "consumer"
        && _members.Values.Any(m => ConsumerSubscription.TryReadTopics(m.MetadataFor(ProtocolName ?? (m.Protocols.Count > 0 ? m.Protocols[0].Name : null)))?.Contains(topic) == true);

    public GroupDescription Describe()
    {
        var stable = State == GroupState.Stable;
        return new GroupDescription(GroupId, State, ProtocolType ?? "", stable ? ProtocolName ?? "" : "",
        [
            .. _members.Values.Select(m => new MemberDescription(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                stable ? m.MetadataFor(ProtocolName) : [], stable ? m.Assignment : [])),
        ]);
    }

    public void MarkDead()
    {
        State = GroupState.Dead;
        _pendingMembers.Clear();
    }

    /// <summary>The timers: unused member ids, expired sessions, members that never synced, the initial delay and the rebalance timeout.</summary>
    public void Tick(long nowMs)
    {
        foreach (var (pending, expiresMs) in _pendingMembers.ToList())
        {
            if (nowMs >= expiresMs)
            {
                _pendingMembers.Remove(pending);
            }
        }

        foreach (var member in _members.Values.Where(m => m.IsSessionExpired(nowMs)).ToList())
        {
            if (_members.ContainsKey(member.MemberId))
            {
                RemoveMemberAndRebalance(member, "session timed out", nowMs);
            }
        }

        if (State is GroupState.CompletingRebalance or GroupState.Stable && _pendingSync.Count > 0 && nowMs >= _syncDeadlineMs)
        {
            foreach (var memberId in _pendingSync.ToList())
            {
                if (_members.TryGetValue(memberId, out var member))
                {
                    member.CompleteJoin(new JoinResult(ErrorCode.UnknownMemberId, memberId));
                    RemoveMember(member, "did not sync in time");
                }
            }

            _pendingSync.Clear();
            PrepareRebalance(nowMs, "members did not sync in time");
        }

        if (State == GroupState.PreparingRebalance && _initialDelay && nowMs >= _initialDelayEndsMs)
        {
            // Kafka's InitialDelayedJoin: each newcomer during the delay buys another delay, up to the rebalance timeout.
            if (_newMemberAdded && _initialDelayRemainingMs > 0)
            {
                var delay = Math.Min((long)options.GroupInitialRebalanceDelay.TotalMilliseconds, _initialDelayRemainingMs);
                _initialDelayRemainingMs -= delay;
                _initialDelayEndsMs = nowMs + delay;
                _newMemberAdded = false;
            }
            else
            {
                _initialDelay = false;
                CompleteJoin(nowMs);
            }
        }

        TryCompleteJoin(nowMs);
    }

    private Task<JoinResult> JoinNewMember(JoinRequest request, long nowMs)
    {
        var prefix = request.GroupInstanceId ?? (request.ClientId.Length > 0 ? request.ClientId : "member");
        var memberId = $"{prefix}-{Guid.NewGuid()}";
        if (request.GroupInstanceId is { } instanceId)
        {
            return _staticMembers.TryGetValue(instanceId, out var oldMemberId)
                ? ReplaceStaticMember(oldMemberId, memberId, request, nowMs)
                : AddMemberAndRebalance(memberId, request, nowMs);
        }

        if (request.RequireKnownMemberId)
        {
            _pendingMembers[memberId] = nowMs + request.SessionTimeoutMs;
            return Answer(new JoinResult(ErrorCode.MemberIdRequired, memberId));
        }

        return AddMemberAndRebalance(memberId, request, nowMs);
    }

    private Task<JoinResult> JoinKnownMember(JoinRequest request, long nowMs)
    {
        if (IsStaticMemberFenced(request.GroupInstanceId, request.MemberId))
        {
            return Answer(new JoinResult(ErrorCode.FencedInstanceId, request.MemberId));
        }

        if (!_members.TryGetValue(request.MemberId, out var member)
            || (request.GroupInstanceId is { } instanceId && !_staticMembers.ContainsKey(instanceId)))
        {
            return Answer(new JoinResult(ErrorCode.UnknownMemberId, request.MemberId));
        }

        switch (State)
        {
            case GroupState.PreparingRebalance:
                return UpdateMemberAndRebalance(member, request, nowMs);
            case GroupState.CompletingRebalance when member.Matches(request.Protocols):
                // The member lost its JoinGroup answer: the current generation again.
                return Answer(CurrentJoinResult(member));
            case GroupState.CompletingRebalance:
                return UpdateMemberAndRebalance(member, request, nowMs);
            case GroupState.Stable when member.MemberId == LeaderId || !member.Matches(request.Protocols):
                // A leader's rejoin forces a rebalance: that is how it reacts to topic changes its metadata does not show.
                return UpdateMemberAndRebalance(member, request, nowMs);
            case GroupState.Stable:
                return Answer(CurrentJoinResult(member));
            default:
                return Answer(new JoinResult(ErrorCode.UnknownMemberId, request.MemberId));
        }
    }

    private Task<JoinResult> AddMemberAndRebalance(string memberId, JoinRequest request, long nowMs)
    {
        var member = new GroupMember(memberId, request.GroupInstanceId) { LastHeartbeatMs = nowMs };
        member.Update(request);
        if (State == GroupState.PreparingRebalance && GenerationId == 0)
        {
            _newMemberAdded = true;
        }

        if (_members.Count == 0)
        {
            ProtocolType = request.ProtocolType;
        }

        _members.Add(memberId, member);
        if (request.GroupInstanceId is { } instanceId)
        {
            _staticMembers[instanceId] = memberId;
        }

        LeaderId ??= memberId;
        var reply = member.AwaitJoin();
        Log.MemberJoined(logger, GroupId, memberId, request.ClientId);
        MaybePrepareRebalance(nowMs, "a member joined");
        return reply;
    }

    private Task<JoinResult> UpdateMemberAndRebalance(GroupMember member, JoinRequest request, long nowMs)
    {
        member.Update(request);
        var reply = member.AwaitJoin();
        MaybePrepareRebalance(nowMs, "a member rejoined");
        return reply;
    }

    /// <summary>
    /// A new instance of a static member takes over its membership; the old member id is fenced. In a stable
    /// group whose protocol would not change there is no rebalance: the member resyncs its current assignment.
    /// </summary>
    private Task<JoinResult> ReplaceStaticMember(string oldMemberId, string newMemberId, JoinRequest request, long nowMs)
    {
        var member = _members[oldMemberId];
        member.CompleteJoin(new JoinResult(ErrorCode.FencedInstanceId, oldMemberId));
        member.CompleteSync(new SyncResult(ErrorCode.FencedInstanceId));
        var previousLeader = LeaderId;
        _members.Remove(oldMemberId);
        member.MemberId = newMemberId;
        _members.Add(newMemberId, member);
        _staticMembers[request.GroupInstanceId!] = newMemberId;
        if (LeaderId == oldMemberId)
        {
            LeaderId = newMemberId;
        }

        if (_pendingSync.Remove(oldMemberId))
        {
            _pendingSync.Add(newMemberId);
        }

        member.LastHeartbeatMs = nowMs;
        member.Update(request);
        var reply = member.AwaitJoin();
        Log.StaticMemberReplaced(logger, GroupId, request.GroupInstanceId!, oldMemberId, newMemberId);
        switch (State)
        {
            case GroupState.Stable when SelectProtocol() == ProtocolName:
                // The old leader id is returned so the new instance does not run a pointless assignment.
                member.CompleteJoin(new JoinResult(ErrorCode.None, newMemberId, GenerationId, ProtocolType, ProtocolName, previousLeader ?? "", []));
                break;
            case GroupState.Stable or GroupState.CompletingRebalance:
                PrepareRebalance(nowMs, "a static member rejoined with other metadata");
                break;
        }

        return reply;
    }

    private ErrorCode RemoveMemberAndRebalance(GroupMember member, string reason, long nowMs)
    {
        member.CompleteJoin(new JoinResult(ErrorCode.UnknownMemberId, member.MemberId));
        member.CompleteSync(new SyncResult(ErrorCode.UnknownMemberId));
        RemoveMember(member, reason);
        MaybePrepareRebalance(nowMs, $"member {member.MemberId} {reason}");
        return ErrorCode.None;
    }

    private void RemoveMember(GroupMember member, string reason)
    {
        _members.Remove(member.MemberId);
        _pendingSync.Remove(member.MemberId);
        if (member.GroupInstanceId is { } instanceId && _staticMembers.GetValueOrDefault(instanceId) == member.MemberId)
        {
            _staticMembers.Remove(instanceId);
        }

        if (LeaderId == member.MemberId)
        {
            LeaderId = _members.Keys.FirstOrDefault();
        }

        Log.MemberRemoved(logger, GroupId, member.MemberId, reason);
    }

    private void MaybePrepareRebalance(long nowMs, string reason)
    {
        if (State is GroupState.Stable or GroupState.CompletingRebalance or GroupState.Empty)
        {
            PrepareRebalance(nowMs, reason);
        }
    }

    private void PrepareRebalance(long nowMs, string reason)
    {
        if (State == GroupState.CompletingRebalance)
        {
            // Members waiting for an assignment of the abandoned generation must rejoin.
            foreach (var member in _members.Values)
            {
                member.Assignment = [];
                member.CompleteSync(new SyncResult(ErrorCode.RebalanceInProgress));
            }
        }

        _pendingSync.Clear();
        var delayMs = (long)options.GroupInitialRebalanceDelay.TotalMilliseconds;
        _initialDelay = State == GroupState.Empty && delayMs > 0;
        if (_initialDelay)
        {
            _initialDelayEndsMs = nowMs + delayMs;
            _initialDelayRemainingMs = Math.Max(RebalanceTimeoutMs - delayMs, 0);
            _newMemberAdded = false;
        }

        _rebalanceDeadlineMs = nowMs + RebalanceTimeoutMs;
        State = GroupState.PreparingRebalance;
        Log.RebalanceStarted(logger, GroupId, GenerationId, reason);
    }

    private void TryCompleteJoin(long nowMs)
    {
        if (State != GroupState.PreparingRebalance || _initialDelay)
        {
            return;
        }

        var allJoined = _pendingMembers.Count == 0 && _members.Values.All(m => m.IsAwaitingJoin);
        if (allJoined || nowMs >= _rebalanceDeadlineMs)
        {
            CompleteJoin(nowMs);
        }
    }

    private void CompleteJoin(long nowMs)
    {
        foreach (var member in _members.Values.Where(m => !m.IsAwaitingJoin).ToList())
        {
            member.CompleteSync(new SyncResult(ErrorCode.UnknownMemberId));
            RemoveMember(member, "did not rejoin in time");
        }

        GenerationId++;
        if (_members.Count == 0)
        {
            ProtocolName = null;
            State = GroupState.Empty;
            Log.GroupEmpty(logger, GroupId, GenerationId);
            return;
        }

        ProtocolName = SelectProtocol();
        if (LeaderId is null || !_members.ContainsKey(LeaderId))
        {
            LeaderId = _members.Keys.First();
        }

        State = GroupState.CompletingRebalance;
        var joined = _members.Values.Select(m => new JoinedMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(ProtocolName))).ToList();
        foreach (var member in _members.Values)
        {
            member.LastHeartbeatMs = nowMs;
            member.CompleteJoin(new JoinResult(ErrorCode.None, member.MemberId, GenerationId, ProtocolType, ProtocolName, LeaderId,
                member.MemberId == LeaderId ? joined : []));
            _pendingSync.Add(member.MemberId);
        }

        _syncDeadlineMs = nowMs + RebalanceTimeoutMs;
        Log.RebalanceCompleted(logger, GroupId, GenerationId, _members.Count, ProtocolName, LeaderId);
    }

    private JoinResult CurrentJoinResult(GroupMember member) =>
        new(ErrorCode.None, member.MemberId, GenerationId, ProtocolType, ProtocolName, LeaderId ?? "",
            member.MemberId == LeaderId
                ? [.. _members.Values.Select(m => new JoinedMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(ProtocolName)))]
                : []);

    /// <summary>The protocol every member supports that most members list first, as Kafka's vote.</summary>
    private string SelectProtocol()
    {
        var candidates = _members.Values.First().Protocols.Select(p => p.Name).Where(name => _members.Values.All(m => m.Supports(name))).ToList();
        return candidates
            .Select((name, order) => (Name: name, Order: order,
                Votes: _members.Values.Count(m => m.Protocols.First(p => candidates.Contains(p.Name)).Name == name)))
            .OrderByDescending(c => c.Votes)
            .ThenBy(c => c.Order)
            .First().Name;
    }

    private bool SupportsProtocols(string protocolType, IReadOnlyList<MemberProtocol> protocols) =>
        _members.Count == 0
            ? protocolType.Length > 0 && protocols.Count > 0
            : protocolType == ProtocolType && protocols.Any(p => _members.Values.All(m => m.Supports(p.Name)));

    private bool IsStaticMemberFenced(string? groupInstanceId, string memberId) =>
        groupInstanceId is not null && _staticMembers.TryGetValue(groupInstanceId, out var current) && current != memberId;

    private ErrorCode ValidateCurrentMember(string memberId, string? groupInstanceId)
    {
        if (groupInstanceId is not null)
        {
            return !_staticMembers.TryGetValue(groupInstanceId, out var current) ? ErrorCode.UnknownMemberId
                : current != memberId ? ErrorCode.FencedInstanceId
                : ErrorCode.None;
        }

        return _members.ContainsKey(memberId) ? ErrorCode.None : ErrorCode.UnknownMemberId;
    }

    private static Task<T> Answer<T>(T result) => Task.FromResult(result);
}
