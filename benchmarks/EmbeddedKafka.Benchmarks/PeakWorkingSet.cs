using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Confluent.Kafka;

namespace Outbox.EmbeddedKafka.Benchmarks;

/// <summary>
/// Runs the console host as its own process with the default options (256 MiB retained per
/// partition), produces records of 1 KiB through it and reports the host's peak working set, so the
/// client's buffers are not counted.
/// </summary>
internal static class PeakWorkingSet
{
    private static readonly string ServerPath = typeof(PeakWorkingSet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EmbeddedKafkaServerPath").Value!;

    public static async Task<int> MeasureAsync(int records)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { ServerPath, "--port", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        using var server = Process.Start(start)!;
        var logs = server.StandardError.ReadToEndAsync();
        var ready = await server.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"the server did not start: {await logs.ConfigureAwait(false)}").ConfigureAwait(false);
            return 1;
        }

        var bootstrap = ready["READY ".Length..];
        var idle = Sample(server);
        var clock = Stopwatch.StartNew();
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5,
        }).Build())
        {
            var value = new byte[1024];
            new Random(1024).NextBytes(value);
            var message = new Message<Null, byte[]> { Value = value };
            var topic = new TopicPartition("memory", 0);
            for (var i = 0; i < records; i++)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message);
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }

            producer.Flush(TimeSpan.FromMinutes(5));
        }

        clock.Stop();
        var after = Sample(server);
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        await server.WaitForExitAsync().ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"EmbeddedKafka host, {records:N0} records of 1 KiB (acks=all, idempotent) in {clock.Elapsed.TotalSeconds:F1} s: " +
            $"working set idle {idle.WorkingSet / 1048576.0:F0} MiB, after {after.WorkingSet / 1048576.0:F0} MiB, peak {after.Peak / 1048576.0:F0} MiB"));
        return 0;
    }

    /// <summary>Current and peak resident memory (VmRSS, VmHWM) of a process.</summary>
    private static (long WorkingSet, long Peak) Sample(Process process)
    {
        process.Refresh();
        return (process.WorkingSet64, process.PeakWorkingSet64);
    }
}
