using System.Buffers.Binary;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Robustness;

/// <summary>Frames no client should send get Kafka's answer or a closed connection, and the broker carries on.</summary>
public sealed class BadFrameTests
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_frame_cut_short_by_a_dying_client_is_dropped()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);
        var header = new byte[14];
        BinaryPrimitives.WriteInt32BigEndian(header, 100);
        BinaryPrimitives.WriteInt16BigEndian(header.AsSpan(4), (short)ApiKey.Metadata);

        await client.WriteRawAsync(header, Ct);
        client.ShutdownSend();

        Assert.True(await client.IsClosedByBrokerAsync(CloseTimeout, Ct));
        await AssertBrokerServesAsync(broker);
    }

    [Fact]
    public async Task A_body_shorter_than_its_fields_closes_the_connection()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);
        var body = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(body, 5); // five topics follow, but nothing does

        await client.WriteFrameAsync(RawKafkaClient.Request((short)ApiKey.Metadata, 8, 1, flexibleHeader: false, body), Ct);

        Assert.True(await client.IsClosedByBrokerAsync(CloseTimeout, Ct));
        await AssertBrokerServesAsync(broker);
    }

    [Theory]
    [InlineData(2 * 1024 * 1024)]
    [InlineData(-1)]
    [InlineData(3)]
    public async Task A_frame_size_outside_the_limits_closes_the_connection(int size)
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { MaxRequestSize = 1024 * 1024 }, cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, size);

        await client.WriteRawAsync(prefix, Ct);

        Assert.True(await client.IsClosedByBrokerAsync(CloseTimeout, Ct));
        await AssertBrokerServesAsync(broker);
    }

    [Theory]
    [InlineData((short)17)]   // SaslHandshake: not implemented
    [InlineData((short)999)]
    [InlineData((short)-1)]
    public async Task An_unknown_api_key_closes_the_connection(short apiKey)
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);

        await client.WriteFrameAsync(RawKafkaClient.Request(apiKey, 0, 1, flexibleHeader: false, []), Ct);

        Assert.True(await client.IsClosedByBrokerAsync(CloseTimeout, Ct));
        await AssertBrokerServesAsync(broker);
    }

    [Fact]
    public async Task An_unsupported_version_closes_the_connection()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);

        await client.SendAsync(ApiKey.Produce, 2, new ProduceRequest(), Ct);

        Assert.True(await client.IsClosedByBrokerAsync(CloseTimeout, Ct));
        await AssertBrokerServesAsync(broker);
    }

    [Fact]
    public async Task ApiVersions_above_the_maximum_is_answered_in_v0_with_UNSUPPORTED_VERSION_and_the_api_list()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);

        // A client at v9 writes a v2 header and a body the broker cannot know; the answer must be v0 anyway.
        await client.WriteFrameAsync(RawKafkaClient.Request((short)ApiKey.ApiVersions, 9, 42, flexibleHeader: true, [1, 2, 3]), Ct);
        var frame = await client.ReadFrameAsync(CloseTimeout, Ct);

        Assert.NotNull(frame);
        var response = RawKafkaClient.Decode<ApiVersionsResponse>(frame, 42, 0, flexibleHeader: false);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, response.ErrorCode);
        var versions = Assert.Single(response.ApiKeys, k => k.ApiKey == (short)ApiKey.ApiVersions);
        Assert.Equal(3, versions.MaxVersion);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)ApiKey.Produce);
        var retry = await client.RequestAsync<ApiVersionsResponse>(ApiKey.ApiVersions, 3, new ApiVersionsRequest { ClientSoftwareName = "raw", ClientSoftwareVersion = "1.0" }, Ct);
        Assert.Equal((short)ErrorCode.None, retry.ErrorCode);
    }

    [Fact]
    public async Task A_produced_batch_with_a_bad_crc_gets_CORRUPT_MESSAGE_and_leaves_the_log_unchanged()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);
        var good = TestRecordBatch.Single("good"u8.ToArray(), broker.Cluster.NowMs);
        var bad = TestRecordBatch.Single("bad"u8.ToArray(), broker.Cluster.NowMs);
        bad[^1] ^= 0x5A; // flips bits in the value: the CRC no longer matches
        var created = await client.RequestAsync<CreateTopicsResponse>(ApiKey.CreateTopics, 4, new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = "crc", NumPartitions = 1, ReplicationFactor = 1 }],
        }, Ct);
        Assert.Equal((short)ErrorCode.None, created.Topics.Single().ErrorCode);

        var first = await ProduceAsync(client, good);
        var rejected = await ProduceAsync(client, bad);
        var last = await ProduceAsync(client, good);

        Assert.Equal(((short)ErrorCode.None, 0L), first);
        Assert.Equal((short)ErrorCode.CorruptMessage, rejected.Error);
        Assert.Equal(((short)ErrorCode.None, 1L), last);
        lock (broker.Cluster.Sync)
        {
            var log = broker.Cluster.FindPartition("crc", 0)!;
            Assert.Equal(2, log.HighWatermark);
            Assert.All(log.Batches, b => Assert.Equal(good.Length, b.Size));
        }
    }

    private static async Task<(short Error, long BaseOffset)> ProduceAsync(RawKafkaClient client, byte[] batch)
    {
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 5000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = "crc", PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = batch }] }],
        };
        var response = await client.RequestAsync<ProduceResponse>(ApiKey.Produce, 8, request, Ct);
        var partition = response.Responses.Single().PartitionResponses.Single();
        return (partition.ErrorCode, partition.BaseOffset);
    }

    /// <summary>A fresh connection still gets answers.</summary>
    internal static async Task AssertBrokerServesAsync(EmbeddedKafkaBroker broker)
    {
        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);
        var metadata = await client.RequestAsync<MetadataResponse>(ApiKey.Metadata, 8, new MetadataRequest { Topics = null }, Ct);
        Assert.Equal(broker.Port, Assert.Single(metadata.Brokers).Port);
    }
}
