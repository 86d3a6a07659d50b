using Outbox.EmbeddedKafka.Faults;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka;

/// <summary>
/// Fault injection for tests: fail or delay the next requests of an API, drop every client
/// connection, or refuse new connections for a while. Faults apply in the order they were added.
/// </summary>
public sealed class BrokerFaults
{
    private readonly Lock _sync = new();
    private readonly Dictionary<ApiKey, Queue<InjectedFault>> _pending = [];
    private readonly TimeProvider _time;
    private DateTimeOffset _refuseUntil = DateTimeOffset.MinValue;

    internal BrokerFaults(TimeProvider time) => _time = time;

    internal event Action? CloseConnectionsRequested;

    /// <summary>
    /// Answers the next <paramref name="count"/> requests of <paramref name="api"/> with <paramref name="error"/>.
    /// With <paramref name="afterHandling"/> the request takes effect first and only its answer is lost,
    /// which is how a client comes to retry something that already happened.
    /// </summary>
    public void FailNext(ApiKey api, ErrorCode error, int count = 1, bool afterHandling = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Enqueue(api, new InjectedFault(error, afterHandling, TimeSpan.Zero), count);
    }

    /// <summary>Holds the next <paramref name="count"/> requests of <paramref name="api"/> for <paramref name="delay"/> before handling them.</summary>
    public void DelayNext(ApiKey api, TimeSpan delay, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Enqueue(api, new InjectedFault(null, false, delay), count);
    }

    /// <summary>Closes every open client connection; clients reconnect on their own.</summary>
    public void CloseAllConnections() => CloseConnectionsRequested?.Invoke();

    /// <summary>Closes every open connection and refuses new ones for <paramref name="duration"/>.</summary>
    public void RefuseConnections(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        lock (_sync)
        {
            _refuseUntil = _time.GetUtcNow() + duration;
        }

        CloseAllConnections();
    }

    /// <summary>Forgets every pending fault and accepts connections again.</summary>
    public void Clear()
    {
        lock (_sync)
        {
            _pending.Clear();
            _refuseUntil = DateTimeOffset.MinValue;
        }
    }

    internal bool RefusingConnections
    {
        get
        {
            lock (_sync)
            {
                return _time.GetUtcNow() < _refuseUntil;
            }
        }
    }

    internal InjectedFault? Take(ApiKey api)
    {
        lock (_sync)
        {
            return _pending.TryGetValue(api, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private void Enqueue(ApiKey api, InjectedFault fault, int count)
    {
        lock (_sync)
        {
            if (!_pending.TryGetValue(api, out var queue))
            {
                _pending[api] = queue = new Queue<InjectedFault>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }
}
