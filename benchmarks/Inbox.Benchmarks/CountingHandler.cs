namespace Outbox.Inbox.Benchmarks;

/// <summary>Waits the configured handler time (a stand-in for I/O) and counts the record; it writes no rows itself.</summary>
public sealed class CountingHandler(HandledRecords handled) : IMessageHandler<BenchmarkEvent>
{
    public async Task HandleAsync(BenchmarkEvent message, MessageContext context, CancellationToken cancellationToken)
    {
        if (handled.HandlerDelay > TimeSpan.Zero)
        {
            await Task.Delay(handled.HandlerDelay, cancellationToken).ConfigureAwait(false);
        }

        handled.Handled();
    }
}
