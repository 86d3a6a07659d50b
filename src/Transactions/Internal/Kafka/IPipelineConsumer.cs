using Confluent.Kafka;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>The consumer as the pipeline loop sees it; <see cref="PipelineConsumer"/> in production.</summary>
internal interface IPipelineConsumer : IAsyncDisposable
{
    /// <summary>The group metadata to send with the offsets, captured when a batch starts.</summary>
    IConsumerGroupMetadata? GroupMetadata { get; }

    /// <summary>
    /// Joins the group. <paramref name="onPartitionsRevoked"/> runs on the consumer's thread, inside a poll,
    /// before partitions are released: it must finish its work (abort the transaction) before returning.
    /// </summary>
    Task SubscribeAsync(IReadOnlyList<string> topics, Action onPartitionsRevoked, CancellationToken cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="maxWait"/> for the first record, then takes what is already fetched, up to
    /// <paramref name="maxRecords"/>. When partitions were revoked meanwhile, says so and returns only records of the new assignment.
    /// </summary>
    Task<PollResult> PollAsync(int maxRecords, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Seeks every assigned partition back to its committed offset, after an aborted transaction.</summary>
    Task RewindToCommittedAsync(CancellationToken cancellationToken);

    /// <summary>Leaves the group.</summary>
    Task CloseAsync();
}
