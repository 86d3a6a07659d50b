namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// Counts handled records; signals the first one and completes <see cref="All"/> once the expected number was
/// reached. <see cref="ExpectMore"/> re-arms it for a host that keeps running between invocations.
/// </summary>
public sealed class HandledRecords(int expected, TimeSpan handlerDelay)
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = expected;
    private int _handled;

    public TimeSpan HandlerDelay { get; } = handlerDelay;

    public Task First => _first.Task;

    public Task All => Volatile.Read(ref _all).Task;

    /// <summary>
    /// Completes once <paramref name="records"/> more records were handled. Call it only while no record is being
    /// handled (every one expected so far was), before producing the new ones.
    /// </summary>
    public Task ExpectMore(int records)
    {
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _all, all);
        Volatile.Write(ref _expected, Volatile.Read(ref _handled) + records);
        return all.Task;
    }

    public void Handled()
    {
        _first.TrySetResult();
        if (Interlocked.Increment(ref _handled) == Volatile.Read(ref _expected))
        {
            Volatile.Read(ref _all).SetResult();
        }
    }
}
