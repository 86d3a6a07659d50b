using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck;
using Outbox.Diagnostics;
using Outbox.Internal.Storage;

namespace Outbox.Internal.Relay;

/// <summary>
/// The relay of one process. Every lease period it renews its heartbeat and its lanes' leases,
/// counts the live relay instances, gives up lanes beyond its fair share and takes free or expired
/// lanes up to it, running one <see cref="RelayLane"/> per lane it holds. Kafka's fencing, not the
/// lease, is what makes a stale owner harmless; the lease only keeps owners from fighting.
/// </summary>
internal sealed class RelayLoop(
    IOptions<OutboxOptions> options,
    IOutboxDatabase database,
    RelaySignal signal,
    RelayHooks hooks,
    TimeProvider time,
    ILogger<RelayLoop> logger,
    ClaimCheckProcessor? claimCheck = null) : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;
    private readonly Dictionary<int, (CancellationTokenSource Stop, Task Run)> _lanes = [];

    /// <summary>This instance's name in the lease table.</summary>
    public string Instance { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.EnableRelay)
        {
            return;
        }

        var context = new RelayContext(_options, database, signal, hooks, time, logger, claimCheck);
        var backoff = new RetryBackoff(_options.MaxRetryDelay);
        var heartbeat = "relay:" + Instance;
        var renewEvery = _options.LeaseDuration / 3;
        var renewedAt = DateTimeOffset.MinValue;
        try
        {
            await RetryAsync("checkpoint topic", ct => CheckpointTopic.EnsureAsync(_options.Kafka, _options.CheckpointTopic, _options.LaneCount, _options.KafkaTimeout, ct), backoff, stoppingToken).ConfigureAwait(false);
            await RetryAsync("lease rows", ct => database.RunAsync(async (connection, store) =>
            {
                await store.EnsureLeasesAsync(connection, Enumerable.Range(0, _options.LaneCount).Select(LeaseOf).Append(heartbeat), ct).ConfigureAwait(false);
                return true;
            }, ct), backoff, stoppingToken).ConfigureAwait(false);
            Log.RelayStarted(logger, Instance, _options.LaneCount);

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await BalanceAsync(context, heartbeat, stoppingToken).ConfigureAwait(false);
                    renewedAt = time.GetUtcNow();
                    backoff.Reset();
                    await Task.Delay(renewEvery, time, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var delay = backoff.Next();
                    Log.DatabaseUnavailable(logger, e, "lease renewal", delay);
                    if (time.GetUtcNow() - renewedAt > _options.LeaseDuration - renewEvery)
                    {
                        // The leases may expire before we can renew them: stop publishing before someone else starts.
                        foreach (var lane in _lanes.Keys.ToList())
                        {
                            Log.LaneLost(logger, Instance, lane);
                            await StopLaneAsync(lane).ConfigureAwait(false);
                        }
                    }

                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ShutDownAsync(heartbeat).ConfigureAwait(false);
        }
    }

    private async Task BalanceAsync(RelayContext context, string heartbeat, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expires = now + _options.LeaseDuration;
        var (live, lost) = await database.RunAsync(async (connection, store) =>
        {
            await store.TryAcquireLeaseAsync(connection, heartbeat, Instance, now, expires, cancellationToken).ConfigureAwait(false);
            var lostLanes = new List<int>();
            foreach (var lane in _lanes.Keys)
            {
                if (!await store.RenewLeaseAsync(connection, LeaseOf(lane), Instance, expires, cancellationToken).ConfigureAwait(false))
                {
                    lostLanes.Add(lane);
                }
            }

            return (await store.CountLiveRelaysAsync(connection, now, cancellationToken).ConfigureAwait(false), lostLanes);
        }, cancellationToken).ConfigureAwait(false);

        foreach (var lane in lost)
        {
            Log.LaneLost(logger, Instance, lane);
            await StopLaneAsync(lane).ConfigureAwait(false);
        }

        var fairShare = (_options.LaneCount + Math.Max(1, live) - 1) / Math.Max(1, live);
        while (_lanes.Count > fairShare)
        {
            var lane = _lanes.Keys.Max();
            await StopLaneAsync(lane).ConfigureAwait(false);
            await database.RunAsync(async (connection, store) =>
            {
                await store.ReleaseLeaseAsync(connection, LeaseOf(lane), Instance, cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            Log.LaneReleased(logger, Instance, lane);
        }

        for (var lane = 0; lane < _options.LaneCount && _lanes.Count < fairShare; lane++)
        {
            if (_lanes.ContainsKey(lane))
            {
                continue;
            }

            var candidate = lane;
            if (await database.RunAsync((connection, store) => store.TryAcquireLeaseAsync(connection, LeaseOf(candidate), Instance, now, expires, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                Log.LaneAcquired(logger, Instance, candidate);
                var stop = new CancellationTokenSource();
                var run = Task.Run(
                    async () =>
                    {
                        using var runner = new RelayLane(candidate, context);
                        await runner.RunAsync(stop.Token).ConfigureAwait(false);
                    },
                    CancellationToken.None);
                _lanes[candidate] = (stop, run);
            }
        }
    }

    private async Task StopLaneAsync(int lane)
    {
        if (!_lanes.Remove(lane, out var running))
        {
            return;
        }

        await running.Stop.CancelAsync().ConfigureAwait(false);
        // A lane stops at its next await; a Kafka call in flight is bounded by KafkaTimeout.
        await running.Run.WaitAsync(_options.KafkaTimeout * 2, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        running.Stop.Dispose();
    }

    private async Task ShutDownAsync(string heartbeat)
    {
        var held = _lanes.Keys.ToList();
        await Task.WhenAll(held.Select(StopLaneAsync)).ConfigureAwait(false);
        try
        {
            // Hand the lanes over at once instead of making the next owner wait for the leases to expire.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await database.RunAsync(async (connection, store) =>
            {
                foreach (var lane in held)
                {
                    await store.ReleaseLeaseAsync(connection, LeaseOf(lane), Instance, timeout.Token).ConfigureAwait(false);
                }

                await store.ReleaseLeaseAsync(connection, heartbeat, Instance, timeout.Token).ConfigureAwait(false);
                return true;
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.DatabaseUnavailable(logger, e, "releasing leases at shutdown", TimeSpan.Zero);
        }

        Log.RelayStopped(logger, Instance);
    }

    private async Task RetryAsync(string operation, Func<CancellationToken, Task> work, RetryBackoff backoff, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await work(cancellationToken).ConfigureAwait(false);
                backoff.Reset();
                return;
            }
            catch (InvalidOperationException)
            {
                // A configuration mismatch (for example too few checkpoint partitions): retrying cannot fix it.
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                if (e is Confluent.Kafka.KafkaException)
                {
                    Log.KafkaUnavailable(logger, e, operation, delay);
                }
                else
                {
                    Log.DatabaseUnavailable(logger, e, operation, delay);
                }

                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string LeaseOf(int lane) => "lane:" + lane.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
