using System.Buffers.Binary;
using Confluent.Kafka;
using Outbox.EmbeddedKafka.Protocol;
using Xunit;
using ErrorCode = Outbox.EmbeddedKafka.Protocol.ErrorCode;

namespace Outbox.EmbeddedKafka.Tests.Persistence;

/// <summary>What a crash or damage leaves in the data directory is cut off at start-up; what came before is kept.</summary>
public sealed class RecoveryTests
{
    public static TheoryData<string> Tails => ["half a batch", "garbage", "bad checksum"];

    [Theory]
    [MemberData(nameof(Tails))]
    public async Task A_torn_tail_is_cut_off_and_appends_continue_after_the_last_good_batch(string tail)
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        string segment;
        await using (var broker = await data.StartBrokerAsync())
        {
            await ProduceAsync(broker, "torn", 0, 5, ct);
            segment = Assert.Single(data.Segments(broker, "torn", 0));
        }

        var good = new FileInfo(segment).Length;
        var next = TestBatch.Create(["lost"]);
        BinaryPrimitives.WriteInt64BigEndian(next, 5);
        switch (tail)
        {
            case "half a batch":
                AppendBytes(segment, next.AsSpan(0, next.Length / 2));
                break;
            case "garbage":
                AppendBytes(segment, Enumerable.Range(0, 100).Select(i => (byte)(i * 37)).ToArray());
                break;
            default:
                next[^1] ^= 0xFF;
                AppendBytes(segment, next);
                break;
        }

        await using (var broker = await data.StartBrokerAsync())
        {
            Assert.Equal(good, new FileInfo(segment).Length);
            await ProduceAsync(broker, "torn", 5, 3, ct);
        }

        await using var again = await data.StartBrokerAsync();
        var read = DataDirectory.ReadAll(again, "torn", 1);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"v{i}"), read.Select(r => r.Message.Value));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), read.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task Damage_inside_a_segment_cuts_the_log_there_and_drops_later_segments()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        string[] segments;
        await using (var broker = await data.StartBrokerAsync(o => o.SegmentBytes = 1024))
        {
            await ProduceAsync(broker, "damaged", 0, 60, ct);
            segments = data.Segments(broker, "damaged", 0);
        }

        Assert.True(segments.Length >= 3, $"expected several segments, found {segments.Length}");
        var firstBatch = RecordBatchHeader.Read(File.ReadAllBytes(segments[1]));
        using (var file = new FileStream(segments[1], FileMode.Open))
        {
            file.Position = firstBatch.TotalSize + RecordBatchHeader.Size + 2; // inside the second batch's records
            var b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0x01));
        }

        await using var restarted = await data.StartBrokerAsync(o => o.SegmentBytes = 1024);
        var read = DataDirectory.ReadAll(restarted, "damaged", 1);
        Assert.Equal(firstBatch.BaseOffset + firstBatch.LastOffsetDelta + 1, read.Count);
        Assert.Equal(Enumerable.Range(0, read.Count).Select(i => $"v{i}"), read.Select(r => r.Message.Value));
        Assert.Equal(2, data.Segments(restarted, "damaged", 0).Length);
    }

    [Fact]
    public async Task A_damaged_topics_file_stops_the_start_instead_of_losing_topics()
    {
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            lock (broker.Cluster.Sync)
            {
                Assert.Equal(ErrorCode.None, broker.Cluster.CreateTopic("kept", 1, new Dictionary<string, string?>(), out _));
            }
        }

        var catalog = Path.Combine(data.Path, "topics.json");
        File.WriteAllText(catalog, File.ReadAllText(catalog)[..20]);
        await Assert.ThrowsAsync<InvalidDataException>(() => data.StartBrokerAsync());
        Assert.True(Directory.EnumerateDirectories(Path.Combine(data.Path, "topics")).Any(), "the topic's data is left alone");
    }

    [Fact]
    public async Task A_torn_offsets_journal_keeps_every_intact_commit()
    {
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            broker.Cluster.Groups.CommitOffset("g", "t", 0, new State.CommittedOffset(10, -1, null, 1));
            broker.Cluster.Groups.CommitOffset("g", "t", 0, new State.CommittedOffset(11, -1, null, 2));
        }

        AppendBytes(Path.Combine(data.Path, "offsets.journal"), [0, 0, 0, 40, 1, 2, 3, 4, 5]);
        await using var restarted = await data.StartBrokerAsync();
        Assert.Equal(11, restarted.Cluster.Groups.FindOffset("g", "t", 0)?.Offset);
    }

    [Fact]
    public async Task Retention_deletes_whole_segments_below_the_log_start_offset()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync(o => o.SegmentBytes = 1024))
        {
            await ProduceAsync(broker, "retained", 0, 60, ct);
            var before = data.Segments(broker, "retained", 0);
            long logStart;
            lock (broker.Cluster.Sync)
            {
                var log = broker.Cluster.FindPartition("retained", 0)!;
                log.ApplyRetention(maxBytes: 1024, minTimestamp: long.MinValue);
                logStart = log.LogStartOffset;
            }

            var after = data.Segments(broker, "retained", 0);
            Assert.True(logStart > 0);
            Assert.True(after.Length < before.Length, $"{before.Length} segments before retention, {after.Length} after");
            Assert.Equal(before[^1], after[^1]);
            var firstKept = long.Parse(Path.GetFileNameWithoutExtension(after[0]), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(firstKept <= logStart, "the segment holding the log start offset is kept");
        }

        await using var restarted = await data.StartBrokerAsync(o => o.SegmentBytes = 1024);
        long restoredStart;
        lock (restarted.Cluster.Sync)
        {
            restoredStart = restarted.Cluster.FindPartition("retained", 0)!.LogStartOffset;
        }

        var read = DataDirectory.ReadAll(restarted, "retained", 1);
        Assert.Equal(Enumerable.Range((int)restoredStart, 60 - (int)restoredStart).Select(i => $"v{i}"), read.Select(r => r.Message.Value));
    }

    private static async Task ProduceAsync(EmbeddedKafkaBroker broker, string topic, int first, int count, CancellationToken ct)
    {
        // One record per request, so every record is its own batch.
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0 }).Build();
        for (var i = first; i < first + count; i++)
        {
            await producer.ProduceAsync(topic, new Message<Null, string> { Value = $"v{i}" }, ct);
        }
    }

    private static void AppendBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.Append);
        file.Write(bytes);
    }
}
