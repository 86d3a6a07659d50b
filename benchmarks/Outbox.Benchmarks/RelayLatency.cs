using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;

namespace Outbox.Benchmarks;

[MessageType("bench.latency-probe")]
public sealed record LatencyProbe(long SentAt, int Sequence);

/// <summary>
/// SaveChanges→consumer latency at a steady rate (1,000 msg/s unless told): one or more messages per SaveChanges (a
/// unit of work emitting a few events), message n due n / rate seconds after the start, written by one or more
/// concurrent writers; the framework's relay
/// (default options: 4 lanes, batches of up to 200) publishing to EmbeddedKafka, a read_committed consumer on a dedicated thread
/// recording receive time minus the Stopwatch timestamp taken just before SaveChanges (one process, one
/// clock). Not a BenchmarkDotNet job: a steady rate and a latency distribution are what is measured.
/// </summary>
public static class RelayLatency
{
    private const int Keys = 100;

    public static async Task RunAsync(string database, string connectionString, int count, int rate, int writers, int perSave, int? lanes)
    {
        var run = "lat" + Guid.NewGuid().ToString("N")[..8];
        var topic = run + ".probes";
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<BenchContext>(o =>
        {
            if (database == "SQLite")
            {
                o.UseSqlite(connectionString);
            }
            else
            {
                o.UseNpgsql(connectionString);
            }
        });
        builder.Services.AddOutbox<BenchContext>(o =>
        {
            o.Kafka.BootstrapServers = broker.BootstrapServers;
            o.TransactionalIdPrefix = run + "-relay-";
            o.CheckpointTopic = run + "-checkpoints";
            o.MapTopic<LatencyProbe>(topic);
            o.LaneCount = lanes ?? o.LaneCount;
        });
        using var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<BenchContext>();
            await context.Database.EnsureCreatedAsync();
            if (database == "SQLite")
            {
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        await host.StartAsync();
        var latencies = new double[count];
        var saveCount = (count + perSave - 1) / perSave;
        var saves = new double[saveCount];
        var received = 0;
        var warmedUp = 0;
        using var stop = new CancellationTokenSource();
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Consume blocks: it gets a thread of its own, never the thread pool.
        var consumerThread = new Thread(() =>
        {
            var config = new KafkaClientOptions { BootstrapServers = broker.BootstrapServers }.CreateConsumerConfig(run + "-reader");
            config.FetchWaitMaxMs = 5;
            using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
            consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (received < count && !stop.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null)
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                var probe = JsonSerializer.Deserialize<LatencyProbe>(result.Message.Value, JsonSerializerOptions.Web)!;
                if (probe.Sequence < 0)
                {
                    Interlocked.Increment(ref warmedUp);
                    continue;
                }

                latencies[received++] = Stopwatch.GetElapsedTime(probe.SentAt, now).TotalMilliseconds;
            }

            allReceived.TrySetResult();
        }) { IsBackground = true, Name = "latency-consumer" };
        consumerThread.Start();

        // One message per key first, so every lane has its producer and checkpoint ready before the measured stream:
        // start-up is not what is measured.
        for (var key = 0; key < Keys; key++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(new LatencyProbe(Stopwatch.GetTimestamp(), -1), "key-" + key);
            await scope.ServiceProvider.GetRequiredService<BenchContext>().SaveChangesAsync();
        }

        var warmUpDeadline = Stopwatch.StartNew();
        while (Volatile.Read(ref warmedUp) < Keys && warmUpDeadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }

        var started = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var next = -1;
        async Task WriteAsync()
        {
            while (Interlocked.Increment(ref next) is var save && save < saveCount)
            {
                // Message n is due n / rate seconds after the start, so a save is due with its first message; a writer
                // behind the schedule catches up without waiting.
                var first = save * perSave;
                var wait = TimeSpan.FromSeconds((double)first / rate) - started.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                await using var scope = host.Services.CreateAsyncScope();
                var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
                var before = Stopwatch.GetTimestamp();
                for (var sequence = first; sequence < Math.Min(count, first + perSave); sequence++)
                {
                    outbox.Add(new LatencyProbe(before, sequence), "key-" + (sequence % Keys));
                }

                await scope.ServiceProvider.GetRequiredService<BenchContext>().SaveChangesAsync();
                saves[save] = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(WriteAsync)));

        var sendSeconds = started.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / sendSeconds;
        if (await Task.WhenAny(allReceived.Task, Task.Delay(TimeSpan.FromSeconds(60))) != allReceived.Task)
        {
            await stop.CancelAsync();
        }

        consumerThread.Join();
        await host.StopAsync();
        var got = latencies.AsSpan(0, received).ToArray();
        Array.Sort(got);
        Array.Sort(saves);
        Console.WriteLine(
            $"{database}: {count:N0} messages at {rate:N0}/s requested, {perSave} per SaveChanges from {writers} writer(s), {lanes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} lanes, " +
            $"sent in {sendSeconds:F1} s ({count / sendSeconds:N0} msg/s, {saveCount / sendSeconds:N0} saves/s), received {received:N0}; " +
            $"SaveChanges→consumer latency p50 {Percentile(got, 0.50):F1} ms, p90 {Percentile(got, 0.90):F1} ms, p99 {Percentile(got, 0.99):F1} ms, max {(got.Length > 0 ? got[^1] : double.NaN):F1} ms; " +
            $"SaveChanges alone p50 {Percentile(saves, 0.50):F1} ms, p99 {Percentile(saves, 0.99):F1} ms; " +
            $"this process used {cpu:P0} of one core while sending ({Environment.ProcessorCount} cores)");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
