namespace Outbox.Transactions;

/// <summary>Settings of a pipeline's database effects (<c>WithDatabase</c>), validated at start-up.</summary>
public sealed class PipelineDatabaseOptions
{
    /// <summary>
    /// How long the pipeline's inbox rows are kept. It must exceed the longest time an input can be redelivered after
    /// its database effects committed (the pipeline stopped with its Kafka transaction open, until it runs again): a
    /// row deleted before that lets the effect happen twice. Null keeps the rows. Default 7 days.
    /// </summary>
    public TimeSpan? ProcessedEventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each running instance deletes the group's expired inbox rows. Default 1 hour.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
