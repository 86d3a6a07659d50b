namespace Outbox.Internal.Relay;

/// <summary>
/// Points where tests stop or crash a lane, to prove what a real crash at that point leaves behind.
/// Registered as a singleton; production code never sets them.
/// </summary>
internal sealed class RelayHooks
{
    /// <summary>Runs after a batch's records are produced and before its Kafka transaction commits.</summary>
    public Func<int, IReadOnlyList<long>, CancellationToken, Task>? BeforeKafkaCommit { get; set; }

    /// <summary>Runs after a batch's Kafka transaction committed and before the rows are marked published.</summary>
    public Func<int, IReadOnlyList<long>, CancellationToken, Task>? AfterKafkaCommit { get; set; }

    /// <summary>Runs on the marking thread before the rows of one or more committed batches are marked published.</summary>
    public Func<int, IReadOnlyList<long>, CancellationToken, Task>? BeforeMarkPublished { get; set; }
}
