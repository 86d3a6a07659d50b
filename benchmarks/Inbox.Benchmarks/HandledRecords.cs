namespace Outbox.Inbox.Benchmarks;

/// <summary>Counts handled records; signals the first one and completes once the expected number was reached.</summary>
public sealed class HandledRecords(int expected, TimeSpan handlerDelay)
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;

    public TimeSpan HandlerDelay { get; } = handlerDelay;

    public Task First => _first.Task;

    public Task All => _all.Task;

    public void Handled()
    {
        _first.TrySetResult();
        if (Interlocked.Increment(ref _handled) == expected)
        {
            _all.SetResult();
        }
    }
}
