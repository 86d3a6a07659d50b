namespace Outbox.Inbox.Benchmarks;

/// <summary>Counts handled records and completes once the expected number was reached.</summary>
public sealed class HandledRecords(int expected, TimeSpan handlerDelay)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;

    public TimeSpan HandlerDelay { get; } = handlerDelay;

    public Task All => _all.Task;

    public void Handled()
    {
        if (Interlocked.Increment(ref _handled) == expected)
        {
            _all.SetResult();
        }
    }
}
