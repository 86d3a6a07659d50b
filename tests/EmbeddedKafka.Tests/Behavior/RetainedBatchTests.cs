using Confluent.Kafka;
using Confluent.Kafka.Admin;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.EmbeddedKafka.Apis;
using Outbox.EmbeddedKafka.Network;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;
using Outbox.EmbeddedKafka.Tests.Admin;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Behavior;

/// <summary>
/// Large batches are stored as slices of the request frames they arrived in, and a frame's buffer is
/// reused once retention or DeleteRecords dropped every batch in it. The batches still in the log must
/// keep their bytes while later requests fill the reused buffers.
/// </summary>
public sealed class RetainedBatchTests
{
    private const int ValueSize = 100_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batches_still_in_the_log_keep_their_bytes_while_dropped_ones_make_room_for_new_requests()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { RetentionBytes = 4 * ValueSize }, cancellationToken: Ct);
        using var admin = TopicAdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "large", NumPartitions = 1 }]);
        using var producer = OneRecordPerRequestProducer(broker);

        // One record per request: each batch fills most of its frame, so the log keeps the frame itself.
        await ProduceAsync(producer, from: 0, count: 12);
        await Eventually.HoldsAsync(() => LogStartOffset(broker) > 0, "retention dropped the oldest batches", Ct);
        await ProduceAsync(producer, from: 12, count: 4);
        var deleteTo = LogStartOffset(broker) + 1;
        await admin.DeleteRecordsAsync([new TopicPartitionOffset("large", 0, deleteTo)]);
        await ProduceAsync(producer, from: 16, count: 12);
        await Eventually.HoldsAsync(() => LogSize(broker) <= 4 * ValueSize, "retention trimmed the log to its limit", Ct);

        AssertEveryBatchIntact(broker);
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "unused",
            EnableAutoCommit = false,
            CheckCrcs = true,
        }).Build();
        var start = LogStartOffset(broker);
        consumer.Assign(new TopicPartitionOffset("large", 0, start));
        for (var offset = start; offset < 28; offset++)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(result);
            Assert.Equal(offset, result.Offset.Value);
            Assert.Equal(offset.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Message.Key);
            Assert.Equal(ValueOf((int)offset), result.Message.Value);
        }
    }

    [Fact]
    public async Task A_produce_trims_the_log_to_its_retention_without_waiting_for_the_tick()
    {
        // The tick, which also applies retention, does not run during the test.
        await using var broker = await EmbeddedKafkaBroker.StartAsync(
            new EmbeddedKafkaOptions { RetentionBytes = 4 * ValueSize, TransactionTimeoutCheckInterval = TimeSpan.FromHours(1) }, cancellationToken: Ct);
        using var admin = TopicAdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "large", NumPartitions = 1 }]);
        using var producer = OneRecordPerRequestProducer(broker);

        await ProduceAsync(producer, from: 0, count: 12);

        Assert.InRange(LogSize(broker), 1, 4 * ValueSize * 17 / 16 + ValueSize);
        Assert.True(LogStartOffset(broker) >= 6, $"the log still starts at {LogStartOffset(broker)}");
        AssertEveryBatchIntact(broker);
    }

    [Fact]
    public void A_frame_goes_back_to_the_pool_only_after_the_log_the_connection_and_a_fetch_response_released_it()
    {
        var cluster = new Cluster(new EmbeddedKafkaOptions(), TimeProvider.System, NullLogger.Instance);
        var pool = new FramePool();
        var log = new PartitionLog("large", 0);
        var batch = TestRecordBatch.Single(new byte[5000], cluster.NowMs);
        var frame = RequestFrame.Rent(pool, batch.Length);
        batch.CopyTo(frame.Memory);
        Assert.True(MemoryMarshal.TryGetArray<byte>(frame.Memory, out var buffer));
        log.Append(frame.Memory, RecordBatchHeader.Read(batch), frame);
        var fetch = new RequestContext(cluster, ApiKey.Fetch, 11, 1, "reader", "127.0.0.1", 1);
        fetch.HoldUntilSent(log.Batches.Single().Frame!);

        frame.Release();            // the producing connection is done with the request
        log.DeleteBefore(1);        // retention drops the batch
        Assert.Empty(log.Batches);
        Assert.NotSame(buffer.Array, pool.Rent(batch.Length));
        Assert.Equal(batch[RecordBatchHeader.Size..], frame.Memory.Span[RecordBatchHeader.Size..].ToArray());

        fetch.ReleaseHeld();        // the fetch response is written
        Assert.Throws<ObjectDisposedException>(() => frame.Memory);
        Assert.Same(buffer.Array, pool.Rent(batch.Length));
    }

    private static IProducer<string, byte[]> OneRecordPerRequestProducer(EmbeddedKafkaBroker broker) =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 0,
        }).Build();

    private static async Task ProduceAsync(IProducer<string, byte[]> producer, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var key = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await producer.ProduceAsync("large", new Message<string, byte[]> { Key = key, Value = ValueOf(i) }, Ct);
        }
    }

    private static byte[] ValueOf(int index)
    {
        var value = new byte[ValueSize];
        Array.Fill(value, (byte)(index * 37 + 1));
        return value;
    }

    private static long LogStartOffset(EmbeddedKafkaBroker broker)
    {
        lock (broker.Cluster.Sync)
        {
            return broker.Cluster.FindPartition("large", 0)!.LogStartOffset;
        }
    }

    private static long LogSize(EmbeddedKafkaBroker broker)
    {
        lock (broker.Cluster.Sync)
        {
            return broker.Cluster.FindPartition("large", 0)!.SizeInBytes;
        }
    }

    private static void AssertEveryBatchIntact(EmbeddedKafkaBroker broker)
    {
        lock (broker.Cluster.Sync)
        {
            var log = broker.Cluster.FindPartition("large", 0)!;
            Assert.NotEmpty(log.Batches);
            Assert.Contains(log.Batches, b => b.Frame is not null);
            foreach (var batch in log.Batches)
            {
                var header = RecordBatchHeader.Read(batch.Data.Span);
                Assert.Equal(batch.BaseOffset, header.BaseOffset);
                Assert.Equal(header.Crc, Crc32C.Compute(batch.Data.Span[RecordBatchHeader.AttributesOffset..]));
            }
        }
    }
}
