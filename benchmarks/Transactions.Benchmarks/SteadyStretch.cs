using System.Diagnostics;
using System.Globalization;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// A running side's whole measured stretch, from its first commit before the first invocation to the commit that
/// ended the last one: both ends are commits, so inputs over time is its throughput exactly, wherever the
/// invocations fell in the commit cycle. Also what it cost this process (broker, feed and side together): CPU time
/// per committed input and garbage collections by generation, from the start to <see cref="Describe"/>.
/// </summary>
internal sealed class SteadyStretch
{
    private readonly long _startCommitted;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _cpu;
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private long _lastCommitted;
    private long _last;

    public SteadyStretch(long committed)
    {
        using var process = Process.GetCurrentProcess();
        _cpu = process.TotalProcessorTime;
        _startCommitted = _lastCommitted = committed;
        _last = _started;
    }

    /// <summary>An invocation ended: the group has committed <paramref name="committed"/> inputs.</summary>
    public void Reached(long committed)
    {
        _last = Stopwatch.GetTimestamp();
        _lastCommitted = committed;
    }

    /// <summary>One line: inputs per second over the stretch, time and CPU per input, collections, load average.</summary>
    public string Describe(long committedNow)
    {
        using var process = Process.GetCurrentProcess();
        var inputs = _lastCommitted - _startCommitted;
        var elapsed = TimeSpan.FromTicks((long)((_last - _started) * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        var cpu = (process.TotalProcessorTime - _cpu).TotalMicroseconds / (committedNow - _startCommitted);
        return string.Create(CultureInfo.InvariantCulture,
            $"{inputs} inputs committed in {elapsed.TotalSeconds:F2} s: {inputs / elapsed.TotalSeconds:F0}/s, {elapsed.TotalMicroseconds / inputs:F2} µs per input; " +
            $"process CPU {cpu:F1} µs per input; GC gen0 {GC.CollectionCount(0) - _collections[0]}, gen1 {GC.CollectionCount(1) - _collections[1]}, " +
            $"gen2 {GC.CollectionCount(2) - _collections[2]}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
