namespace Outbox.EmbeddedKafka.State;

/// <summary>The broker's timers in one loop: retention, transaction timeouts, group session expiry.</summary>
internal sealed class BrokerBackgroundWork(Cluster cluster) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Start() => _loop = RunAsync(_stopping.Token);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(cluster.Options.TransactionTimeoutCheckInterval, cluster.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                cluster.Tick();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
