using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>
/// One member of a classic group: what it sent in its last JoinGroup, its assignment, its session, and
/// the JoinGroup or SyncGroup answer it is waiting for. Guarded by the coordinator's lock.
/// </summary>
internal sealed class GroupMember(string memberId, string? groupInstanceId)
{
    private TaskCompletionSource<JoinResult>? _pendingJoin;
    private TaskCompletionSource<SyncResult>? _pendingSync;

    /// <summary>The id; a static member gets a new one when a new instance with its instance id joins.</summary>
    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; private set; } = "";

    public string ClientHost { get; private set; } = "";

    public int SessionTimeoutMs { get; private set; }

    public int RebalanceTimeoutMs { get; private set; }

    public IReadOnlyList<MemberProtocol> Protocols { get; private set; } = [];

    public byte[] Assignment { get; set; } = [];

    public long LastHeartbeatMs { get; set; }

    public bool IsAwaitingJoin => _pendingJoin is not null;

    public bool IsAwaitingSync => _pendingSync is not null;

    /// <summary>Takes what a JoinGroup sent: protocols, timeouts and client identity.</summary>
    public void Update(JoinRequest request)
    {
        ClientId = request.ClientId;
        ClientHost = request.ClientHost;
        SessionTimeoutMs = request.SessionTimeoutMs;
        RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        Protocols = request.Protocols;
    }

    /// <summary>Whether a rejoin with these protocols changes nothing.</summary>
    public bool Matches(IReadOnlyList<MemberProtocol> protocols) =>
        protocols.Count == Protocols.Count
        && protocols.Zip(Protocols).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));

    public bool Supports(string protocol) => Protocols.Any(p => p.Name == protocol);

    public byte[] MetadataFor(string? protocol) => Protocols.FirstOrDefault(p => p.Name == protocol)?.Metadata ?? [];

    /// <summary>A member waiting for a JoinGroup or SyncGroup answer cannot heartbeat, so its session does not run out.</summary>
    public bool IsSessionExpired(long nowMs) => _pendingJoin is null && _pendingSync is null && nowMs - LastHeartbeatMs > SessionTimeoutMs;

    public Task<JoinResult> AwaitJoin()
    {
        // A second JoinGroup while one waits (a client that gave up on the first): the first is answered now.
        CompleteJoin(new JoinResult(ErrorCode.RebalanceInProgress, MemberId));
        _pendingJoin = new TaskCompletionSource<JoinResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _pendingJoin.Task;
    }

    public void CompleteJoin(JoinResult result)
    {
        var pending = _pendingJoin;
        _pendingJoin = null;
        pending?.TrySetResult(result);
    }

    public Task<SyncResult> AwaitSync()
    {
        CompleteSync(new SyncResult(ErrorCode.RebalanceInProgress));
        _pendingSync = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _pendingSync.Task;
    }

    public void CompleteSync(SyncResult result)
    {
        var pending = _pendingSync;
        _pendingSync = null;
        pending?.TrySetResult(result);
    }
}
