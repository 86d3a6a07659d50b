namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>
/// The classic group states, named as Apache Kafka names them (DescribeGroups and ListGroups send the names).
/// Empty → PreparingRebalance → CompletingRebalance → Stable, and back to PreparingRebalance whenever
/// membership or metadata changes; Dead once the group is deleted.
/// </summary>
internal enum GroupState
{
    /// <summary>No members; committed offsets may remain.</summary>
    Empty,

    /// <summary>Waiting for every known member to (re)join.</summary>
    PreparingRebalance,

    /// <summary>Every member has its JoinGroup answer; waiting for the leader's assignment.</summary>
    CompletingRebalance,

    /// <summary>Assignments handed out; members heartbeat.</summary>
    Stable,

    /// <summary>Deleted.</summary>
    Dead,
}
