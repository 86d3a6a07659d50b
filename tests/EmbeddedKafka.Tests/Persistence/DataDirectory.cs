using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Persistence;

/// <summary>A fresh data directory for one test, and the helpers to restart a broker on it and read it back.</summary>
internal sealed class DataDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("embedded-kafka-").FullName;

    public Task<EmbeddedKafkaBroker> StartBrokerAsync(Action<EmbeddedKafkaOptions>? configure = null)
    {
        var options = new EmbeddedKafkaOptions { DataDirectory = Path };
        configure?.Invoke(options);
        return EmbeddedKafkaBroker.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>The segment files of one partition, oldest first.</summary>
    public string[] Segments(EmbeddedKafkaBroker broker, string topic, int partition)
    {
        var id = broker.Cluster.Topics[topic].Id.ToString("N");
        return [.. Directory.GetFiles(System.IO.Path.Combine(Path, "topics", id, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)), "*.log").Order(StringComparer.Ordinal)];
    }

    /// <summary>Everything a consumer with <paramref name="isolation"/> reads from the start of every partition up to the end it is allowed to see.</summary>
    public static List<ConsumeResult<string?, string>> ReadAll(EmbeddedKafkaBroker broker, string topic, int partitions, IsolationLevel isolation = IsolationLevel.ReadUncommitted)
    {
        using var consumer = new ConsumerBuilder<string?, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = isolation,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var received = new List<ConsumeResult<string?, string>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (atEnd.Count < partitions)
        {
            Assert.True(DateTime.UtcNow < deadline, $"reading {topic} did not reach the end of every partition in time");
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
            }
            else
            {
                received.Add(result);
            }
        }

        return received;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a client's background thread; the temp directory is cleaned up eventually.
        }
    }
}
