using System.Diagnostics;

namespace Outbox.EmbeddedKafka.Benchmarks;

/// <summary>
/// Process CPU time per produced record, EmbeddedKafka and the mock in alternating rounds of the
/// produce-only benchmark. On a loaded machine CPU time varies far less than wall-clock throughput,
/// and alternating rounds lets both brokers see the same load.
/// </summary>
internal static class CpuPerRecord
{
    public static async Task<int> MeasureAsync(int rounds)
    {
        var value = new byte[1024];
        new Random(1024).NextBytes(value);
        await using var embedded = await BrokerEndpoint.StartEmbeddedAsync().ConfigureAwait(false);
        await using var mock = BrokerEndpoint.StartMock();
        var results = new Dictionary<string, List<(double CpuUs, double Rate)>> { ["EmbeddedKafka"] = [], ["LibrdkafkaMock"] = [] };
        for (var round = -1; round < rounds; round++)
        {
            foreach (var (name, endpoint) in new[] { ("EmbeddedKafka", embedded), ("LibrdkafkaMock", mock) })
            {
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var allocated = GC.GetTotalAllocatedBytes();
                var clock = Stopwatch.StartNew();
                endpoint.ProduceAll(BrokerEndpoint.Produced, BrokerThroughputBenchmarks.ProducedPerInvocation, value);
                clock.Stop();
                process.Refresh();
                var cpuUs = (process.TotalProcessorTime - cpu).TotalMicroseconds / BrokerThroughputBenchmarks.ProducedPerInvocation;
                var rate = BrokerThroughputBenchmarks.ProducedPerInvocation / clock.Elapsed.TotalSeconds;
                if (round < 0)
                {
                    continue; // warm-up
                }

                results[name].Add((cpuUs, rate));
                Console.WriteLine(
                    $"round {round + 1} {name,-15} {cpuUs,6:F2} us CPU/record {rate,9:N0} records/s " +
                    $"GC {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3} " +
                    $"allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1024 / 1024} MiB");
            }
        }

        foreach (var (name, list) in results)
        {
            var cpus = list.Select(r => r.CpuUs).Order().ToList();
            var rates = list.Select(r => r.Rate).Order().ToList();
            Console.WriteLine($"{name,-15} median {cpus[cpus.Count / 2]:F2} us CPU/record (min {cpus[0]:F2}, max {cpus[^1]:F2}), median {rates[rates.Count / 2]:N0} records/s, " +
                $"second half {Median(list.Skip(rounds / 2).Select(r => r.CpuUs)):F2} us CPU/record");
        }

        // Each round's pair saw about the same machine load, so their ratio varies far less than either alone.
        var ratios = results["EmbeddedKafka"].Zip(results["LibrdkafkaMock"], (e, m) => e.CpuUs / m.CpuUs).ToList();
        Console.WriteLine($"CPU per record EmbeddedKafka / mock: median {Median(ratios):F2}, second half {Median(ratios.Skip(rounds / 2)):F2}");
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
