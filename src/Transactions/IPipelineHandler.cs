namespace Outbox.Transactions;

/// <summary>
/// Transforms one input message of a transactional pipeline into zero or more output messages, emitted
/// through <see cref="PipelineContext.Emit{TOutput}(string, TOutput, string?)"/>. The outputs and the
/// input's offset commit in one Kafka transaction: they become visible together, exactly once.
/// </summary>
/// <typeparam name="TMessage">The input message class, or a base class of several registered message types.</typeparam>
/// <remarks>
/// A handler may run more than once for the same input (after an abort, a crash or a rebalance); only
/// the emitted outputs of the attempt whose transaction commits are ever visible to read_committed
/// readers. Side effects outside Kafka are not part of the transaction: with <c>WithDatabase</c> the database
/// changes made through the injected DbContext take effect exactly once (see
/// <see cref="PipelineContext.DatabaseEffectsCommitted"/>); make any other effect idempotent, keyed by
/// <see cref="PipelineContext.Envelope"/>'s <c>Id</c>. A handler that throws is retried; after the last
/// attempt the input goes to the dead-letter topic and the pipeline moves on.
/// </remarks>
public interface IPipelineHandler<in TMessage>
    where TMessage : class
{
    /// <summary>Handles one input message.</summary>
    /// <param name="message">The deserialized input.</param>
    /// <param name="context">The input's envelope and position, and where outputs are emitted.</param>
    /// <param name="cancellationToken">Cancelled when the pipeline stops.</param>
    /// <returns>A task that completes when the message is handled.</returns>
    ValueTask HandleAsync(TMessage message, PipelineContext context, CancellationToken cancellationToken);
}
