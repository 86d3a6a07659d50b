namespace Outbox.Transactions.PipelineHost;

/// <summary>
/// The database effect of one input of the database pipeline. Its key is generated, not the event id, so an effect
/// applied twice shows up as two rows instead of failing.
/// </summary>
public sealed class EnrichedOrder
{
    public long Id { get; set; }

    public Guid EventId { get; set; }

    public required string Key { get; set; }

    public int Sequence { get; set; }
}
