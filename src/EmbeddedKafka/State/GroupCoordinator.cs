namespace Outbox.EmbeddedKafka.State;

/// <summary>Classic consumer groups: membership, rebalances and committed offsets.</summary>
internal sealed class GroupCoordinator(Cluster cluster)
{
    internal Cluster Cluster { get; } = cluster;
}
