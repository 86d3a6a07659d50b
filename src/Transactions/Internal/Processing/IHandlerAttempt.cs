namespace Outbox.Transactions.Internal.Processing;

/// <summary>
/// Runs the handler once for one input, in a DI scope of its own. An attempt that throws has no effect the pipeline
/// keeps: its outputs are dropped and, with a database, its database transaction is rolled back.
/// </summary>
internal interface IHandlerAttempt<in TMessage>
    where TMessage : class
{
    ValueTask RunAsync(TMessage message, PipelineContext context, CancellationToken cancellationToken);
}
