using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// What a record costs in CPU, and where an end-to-end run's time goes, for the case of
/// <see cref="EndToEndParallelismBenchmarks"/> (5 ms handler, 1 000 keys, one partition, dedupe on PostgreSQL):
/// the CPU time of this process (broker, consumer, inbox) and of the PostgreSQL backends serving its database, per
/// record, over <c>rounds</c> runs after one warm-up run. On two shared cores, throughput at
/// MaxDegreeOfParallelism 32 is bound by this CPU, so changes to the per-record path are compared here first.
/// </summary>
internal static class CpuPerRecord
{
    // Linux reports a process's CPU time in /proc/<pid>/stat in clock ticks of 1/100 s.
    private const double MillisecondsPerTick = 10;

    public static async Task<int> MeasureAsync(int records, int maxDegreeOfParallelism, int rounds)
    {
        await using var environment = await EndToEndEnvironment.StartAsync("inbox_bench_cpu", records, keys: 1000).ConfigureAwait(false);
        var database = new NpgsqlConnectionStringBuilder(environment.ConnectionString).Database!;
        await RunAsync(environment, records, maxDegreeOfParallelism).ConfigureAwait(false);

        using var self = Process.GetCurrentProcess();
        var processBefore = self.TotalProcessorTime;
        var databaseBefore = BackendTicks(database);
        var wall = Stopwatch.StartNew();
        var phases = new List<InboxRunPhases>();
        for (var round = 0; round < rounds; round++)
        {
            phases.Add(await RunAsync(environment, records, maxDegreeOfParallelism).ConfigureAwait(false));
        }

        var elapsed = wall.Elapsed;
        self.Refresh();
        var total = (double)records * rounds;
        var process = (self.TotalProcessorTime - processBefore).TotalMilliseconds / total;
        var backends = (BackendTicks(database) - databaseBefore) * MillisecondsPerTick / total;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MaxDegreeOfParallelism {maxDegreeOfParallelism}, {records} records x {rounds} rounds: {total / elapsed.TotalSeconds:F0} records/s; " +
            $"CPU per record: process {process:F3} ms, PostgreSQL backends {backends:F3} ms; per run: until the first record " +
            $"{Average(phases, p => p.UntilFirstRecord):F0} ms, handling {Average(phases, p => p.Handling):F0} ms " +
            $"({records / phases.Average(p => p.Handling.TotalSeconds):F0} records/s), stopping {Average(phases, p => p.Stopping):F0} ms; " +
            $"load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        return 0;
    }

    private static Task<InboxRunPhases> RunAsync(EndToEndEnvironment environment, int records, int maxDegreeOfParallelism) =>
        InboxRun.RunAsync(environment.Broker.BootstrapServers, environment.ConnectionString, EndToEndEnvironment.Topic, records, maxDegreeOfParallelism, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(100));

    private static double Average(List<InboxRunPhases> phases, Func<InboxRunPhases, TimeSpan> phase) => phases.Average(p => phase(p).TotalMilliseconds);

    /// <summary>User and system CPU ticks of the PostgreSQL backends connected to <paramref name="database"/> (their command line names it).</summary>
    private static long BackendTicks(string database)
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(database, StringComparison.Ordinal))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended between listing and reading, or is not ours to read.
            }
        }

        return ticks;
    }
}
