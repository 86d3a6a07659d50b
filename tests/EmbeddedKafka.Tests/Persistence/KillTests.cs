using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Persistence;

/// <summary>The console host killed with SIGKILL, then a broker started on its data directory.</summary>
public sealed class KillTests
{
    private static readonly string ServerPath = typeof(KillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EmbeddedKafkaServerPath").Value!;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Everything_acknowledged_before_a_kill_is_there_after_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        var acknowledged = new ConcurrentDictionary<long, string>();
        using (var server = StartServer(data.Path))
        {
            try
            {
                var bootstrap = await ReadyAsync(server, ct);
                using var committer = TransactionalProducer(bootstrap, "kill-committer");
                committer.InitTransactions(Timeout);
                committer.BeginTransaction();
                await committer.ProduceAsync(new TopicPartition("kill-txn", 0), new Message<Null, string> { Value = "committed" }, ct);
                committer.CommitTransaction(Timeout);

                using var open = TransactionalProducer(bootstrap, "kill-open");
                open.InitTransactions(Timeout);
                open.BeginTransaction();
                await open.ProduceAsync(new TopicPartition("kill-txn", 0), new Message<Null, string> { Value = "open" }, ct);

                using (var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "kill-group", EnableAutoCommit = false }).Build())
                {
                    consumer.Commit([new TopicPartitionOffset("kill-txn", 0, 1)]);
                }

                // A producer still writing when the process dies: only what it was told is written is promised.
                using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
                {
                    BootstrapServers = bootstrap, EnableIdempotence = true, LingerMs = 1, MessageTimeoutMs = 5000,
                }).Build();
                var partition = new TopicPartition("kill-stream", 0);
                var deadline = DateTime.UtcNow + Timeout;
                for (var i = 0; acknowledged.Count < 300; i++)
                {
                    // At most 100 records in flight, so some are always being written when the kill lands.
                    while (i - acknowledged.Count >= 100)
                    {
                        Assert.True(DateTime.UtcNow < deadline, $"the server acknowledged only {acknowledged.Count} records in {Timeout}");
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }

                    var value = $"r{i}";
                    producer.Produce(partition, new Message<Null, string> { Value = value }, report =>
                    {
                        if (report.Error.Code == ErrorCode.NoError)
                        {
                            acknowledged[report.Offset.Value] = value;
                        }
                    });
                }

                server.Kill();
                await server.WaitForExitAsync(ct);
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill();
                }
            }
        }

        await using var broker = await data.StartBrokerAsync();
        var stream = DataDirectory.ReadAll(broker, "kill-stream", 1);
        Assert.Equal(Enumerable.Range(0, stream.Count).Select(i => (long)i), stream.Select(r => r.Offset.Value));
        foreach (var (offset, value) in acknowledged)
        {
            Assert.Equal(value, stream[(int)offset].Message.Value);
        }

        Assert.Equal(["committed"], DataDirectory.ReadAll(broker, "kill-txn", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value));
        Assert.Equal(1, broker.Cluster.Groups.FindOffset("kill-group", "kill-txn", 0)?.Offset);
        using (var successor = TransactionalProducer(broker.BootstrapServers, "kill-open"))
        {
            successor.InitTransactions(Timeout);
            successor.BeginTransaction();
            await successor.ProduceAsync(new TopicPartition("kill-txn", 0), new Message<Null, string> { Value = "after" }, ct);
            successor.CommitTransaction(Timeout);
        }

        Assert.Equal(["committed", "after"], DataDirectory.ReadAll(broker, "kill-txn", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value));
    }

    private static IProducer<Null, string> TransactionalProducer(string bootstrap, string transactionalId) =>
        new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, TransactionalId = transactionalId, LingerMs = 1 }).Build();

    private static Process StartServer(string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { ServerPath, "--port", "0", "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };  // drained so the server never blocks on a full pipe
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> ReadyAsync(Process server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var line = await server.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.NotNull(line);
        Assert.StartsWith("READY ", line, StringComparison.Ordinal);
        return line["READY ".Length..];
    }
}
