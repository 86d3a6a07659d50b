using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Robustness;

/// <summary>
/// Random and mutated bodies for every version of every API, from a fixed seed: each one must get an
/// answer or a closed connection, never an unhandled failure, and the logs must stay intact.
/// </summary>
public sealed class GarbageRequestFuzzTests
{
    private const int BodiesPerVersion = 12;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Garbage_bodies_for_every_api_never_break_the_broker_or_its_logs()
    {
        var logger = new CapturingLogger();
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 2 }, logger, Ct);
        await ProduceAsync(broker, "before", 20);
        var random = new Random(20261126);
        RawKafkaClient? client = null;
        var sent = 0;
        try
        {
            foreach (var api in broker.Cluster.Apis!.All)
            {
                var requestType = typeof(EmbeddedKafkaBroker).Assembly.GetType($"Outbox.EmbeddedKafka.Protocol.Messages.{api.Key}Request", throwOnError: true)!;
                for (var version = api.MinVersion; version <= api.MaxVersion; version++)
                {
                    var seed = RawKafkaClient.Encode((IKafkaMessage)Activator.CreateInstance(requestType)!, version);
                    for (var i = 0; i < BodiesPerVersion; i++)
                    {
                        client ??= await RawKafkaClient.ConnectAsync(broker, Ct);
                        var body = Garble(seed, random);
                        sent++;
                        if (!await SendAsync(client, RawKafkaClient.Request((short)api.Key, version, i, api.FlexibleRequestHeader(version), body))
                            || !await AnsweredAsync(client))
                        {
                            client.Dispose();
                            client = null;
                        }
                    }
                }
            }
        }
        finally
        {
            client?.Dispose();
        }

        Assert.True(sent > 100, $"only {sent} requests were sent");
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Error);
        AssertLogsIntact(broker);
        await ProduceAsync(broker, "after", 20);
        Assert.Equal(20, Consume(broker, "before", 20));
        Assert.Equal(20, Consume(broker, "after", 20));
    }

    /// <summary>Random bytes, or the valid empty request with flipped bits, cut short or with junk appended.</summary>
    private static byte[] Garble(byte[] seed, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                var noise = new byte[random.Next(0, 80)];
                random.NextBytes(noise);
                return noise;
            case 1:
                var flipped = (byte[])seed.Clone();
                for (var n = random.Next(1, 4); n > 0 && flipped.Length > 0; n--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            case 2:
                return seed[..random.Next(0, seed.Length + 1)];
            default:
                var junk = new byte[random.Next(1, 16)];
                random.NextBytes(junk);
                return [.. seed, .. junk];
        }
    }

    /// <summary>An ApiVersions v0 request sent after each garbage one: its answer shows the connection is still in step.</summary>
    private static readonly byte[] Probe = RawKafkaClient.Request((short)ApiKey.ApiVersions, 0, ProbeCorrelationId, flexibleHeader: false, []);

    private const int ProbeCorrelationId = -7;

    /// <summary>Sends the request and the probe; false when the broker already closed the connection.</summary>
    private static async Task<bool> SendAsync(RawKafkaClient client, byte[] request)
    {
        try
        {
            await client.WriteFrameAsync(request, Ct);
            await client.WriteFrameAsync(Probe, Ct);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when the probe behind the request was answered (the request itself may have had no answer:
    /// acks=0), false when the broker closed the connection or kept it waiting.
    /// </summary>
    private static async Task<bool> AnsweredAsync(RawKafkaClient client)
    {
        try
        {
            while (await client.ReadFrameAsync(TimeSpan.FromSeconds(5), Ct) is { } frame)
            {
                if (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame) == ProbeCorrelationId)
                {
                    return true;
                }
            }

            return false;
        }
        catch (TimeoutException)
        {
            return false; // a valid long poll (Fetch, JoinGroup) may hold the connection; move on
        }
    }

    private static void AssertLogsIntact(EmbeddedKafkaBroker broker)
    {
        lock (broker.Cluster.Sync)
        {
            foreach (var partition in broker.Cluster.Topics.Values.SelectMany(t => t.Partitions))
            {
                var expected = partition.LogStartOffset;
                foreach (var batch in partition.Batches)
                {
                    var header = RecordBatchHeader.Read(batch.Data.Span);
                    Assert.Equal(header.Crc, Crc32C.Compute(batch.Data.Span[RecordBatchHeader.AttributesOffset..]));
                    Assert.True(batch.BaseOffset <= expected, $"{partition.Topic}-{partition.Partition}: gap before {batch.BaseOffset}");
                    expected = batch.LastOffset + 1;
                }

                Assert.Equal(partition.HighWatermark, Math.Max(expected, partition.LogStartOffset));
            }
        }
    }

    private static async Task ProduceAsync(EmbeddedKafkaBroker broker, string topic, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build();
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = $"{topic}-{i}" }, Ct);
        }
    }

    private static int Consume(EmbeddedKafkaBroker broker, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "fuzz", EnableAutoCommit = false }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var received = 0;
        while (received < count && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            Assert.Equal($"{topic}-{received}", result.Message.Value);
            received++;
        }

        return received;
    }
}
