namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>Waits for an outcome the hosted services produce in the background; the demo's time limit cancels the wait.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> isDone, CancellationToken cancellationToken)
    {
        while (true)
        {
            var value = await read();
            if (isDone(value))
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
