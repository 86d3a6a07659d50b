namespace Outbox.Transactions.PipelineHost;

/// <summary>How many inputs of one key the database pipeline has counted: a read-modify-write effect that is wrong when applied twice.</summary>
public sealed class KeyTotal
{
    public required string Key { get; set; }

    public int Orders { get; set; }
}
