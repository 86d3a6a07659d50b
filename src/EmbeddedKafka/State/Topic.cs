namespace Outbox.EmbeddedKafka.State;

/// <summary>A topic: its id, partitions and configuration overrides.</summary>
internal sealed class Topic(string name, Guid id, IEnumerable<PartitionLog> partitions, IReadOnlyDictionary<string, string?> configs)
{
    public string Name { get; } = name;

    public Guid Id { get; } = id;

    public List<PartitionLog> Partitions { get; } = [.. partitions];

    public Dictionary<string, string?> Configs { get; } = new(configs);

    public bool IsInternal => Name.StartsWith("__", StringComparison.Ordinal);
}
