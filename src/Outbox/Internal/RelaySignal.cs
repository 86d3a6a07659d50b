using System.Collections.Concurrent;

namespace Outbox.Internal;

/// <summary>
/// Wakes the relay lane whose rows a transaction in this process just committed, so those rows are
/// published at once instead of at the next poll, and the other lanes are not woken for nothing.
/// </summary>
internal sealed class RelaySignal
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _next = new();

    /// <summary>A task that completes at the next <see cref="Set"/> of <paramref name="lane"/>.</summary>
    public Task NextAsync(int lane) =>
        _next.GetOrAdd(lane, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Set(int lane)
    {
        if (_next.TryRemove(lane, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
