using System.Diagnostics;

namespace Outbox.EmbeddedKafka.Benchmarks;

/// <summary>
/// Process CPU time per produced record in alternating rounds of the produce-only benchmark: EmbeddedKafka with its
/// default retention (256 MiB per partition), EmbeddedKafka keeping about as much as the mock, and the mock. On a
/// loaded machine CPU time varies far less than wall-clock throughput, and alternating rounds lets all three see the
/// same load.
/// </summary>
internal static class CpuPerRecord
{
    private const string Mock = "LibrdkafkaMock";

    public static async Task<int> MeasureAsync(int rounds, long matchedRetentionBytes)
    {
        var value = new byte[1024];
        new Random(1024).NextBytes(value);
        var matched = $"EK {matchedRetentionBytes / 1048576.0:0.#} MiB";
        await using var embedded = await BrokerEndpoint.StartEmbeddedAsync().ConfigureAwait(false);
        await using var embeddedMatched = await BrokerEndpoint.StartEmbeddedAsync(matchedRetentionBytes).ConfigureAwait(false);
        await using var mock = BrokerEndpoint.StartMock();
        (string Name, BrokerEndpoint Endpoint)[] brokers = [("EK 256 MiB", embedded), (matched, embeddedMatched), (Mock, mock)];
        var results = brokers.ToDictionary(b => b.Name, _ => new List<(double CpuUs, double Rate)>());
        for (var round = -1; round < rounds; round++)
        {
            // The order rotates, so no broker always runs right after the same other one.
            foreach (var (name, endpoint) in brokers.Skip((round + 1) % brokers.Length).Concat(brokers.Take((round + 1) % brokers.Length)))
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

        // Each round's runs saw about the same machine load, so their ratios vary far less than either alone.
        foreach (var (name, _) in brokers.Where(b => b.Name != Mock))
        {
            var pairs = results[name].Zip(results[Mock]).ToList();
            var cpuRatios = pairs.Select(p => p.First.CpuUs / p.Second.CpuUs).ToList();
            var rateRatios = pairs.Select(p => p.First.Rate / p.Second.Rate).ToList();
            Console.WriteLine($"{name} / mock: CPU per record median {Median(cpuRatios):F2} (second half {Median(cpuRatios.Skip(rounds / 2)):F2}), " +
                $"records/s median {Median(rateRatios):F2} (second half {Median(rateRatios.Skip(rounds / 2)):F2})");
        }

        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
