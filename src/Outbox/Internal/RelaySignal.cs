namespace Outbox.Internal;

/// <summary>
/// Wakes the relay when a transaction that wrote outbox rows commits in this process, so those
/// rows are published at once instead of at the next poll.
/// </summary>
internal sealed class RelaySignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next <see cref="Set"/>.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
