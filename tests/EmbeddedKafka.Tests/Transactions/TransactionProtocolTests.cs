using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

/// <summary>The error codes on the wire, by request version, where librdkafka's reaction depends on the exact code.</summary>
public sealed class TransactionProtocolTests
{
    [Theory]
    [InlineData(3, ErrorCode.InvalidProducerEpoch)]
    [InlineData(4, ErrorCode.ProducerFenced)]
    public async Task A_bump_naming_an_old_epoch_is_fenced_with_the_code_of_the_request_version(short version, ErrorCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, ct);
        var first = await InitAsync(client, version, "t", ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)first.ErrorCode);
        var bumped = await InitAsync(client, version, "t", ct, first.ProducerId, first.ProducerEpoch);
        Assert.Equal((ErrorCode.None, first.ProducerId, (short)(first.ProducerEpoch + 1)), ((ErrorCode)bumped.ErrorCode, bumped.ProducerId, bumped.ProducerEpoch));

        var stale = await InitAsync(client, version, "t", ct, first.ProducerId, (short)(first.ProducerEpoch + 7));
        Assert.Equal((expected, -1L, (short)-1), ((ErrorCode)stale.ErrorCode, stale.ProducerId, stale.ProducerEpoch));
    }

    [Fact]
    public async Task Bad_transaction_timeouts_and_empty_ids_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { MaxTransactionTimeout = TimeSpan.FromSeconds(10) }, cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, ct);
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, (ErrorCode)(await InitAsync(client, 4, "t", ct, timeoutMs: 10_001)).ErrorCode);
        Assert.Equal(ErrorCode.None, (ErrorCode)(await InitAsync(client, 4, "t", ct, timeoutMs: 10_000)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)(await InitAsync(client, 4, "", ct)).ErrorCode);
    }

    [Fact]
    public async Task The_v0_transaction_requests_of_a_fenced_producer_get_INVALID_PRODUCER_EPOCH()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, ct);
        await client.RequestAsync<MetadataResponse>(ApiKey.Metadata, 8, new MetadataRequest { Topics = [new() { Name = "topic" }], AllowAutoTopicCreation = true }, ct);
        var old = await InitAsync(client, 4, "t", ct);
        await InitAsync(client, 4, "t", ct);

        var add = await client.RequestAsync<AddPartitionsToTxnResponse>(ApiKey.AddPartitionsToTxn, 0, AddPartitions("t", old, ("topic", 0)), ct);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)add.ResultsByTopicV3AndBelow.Single().ResultsByPartition.Single().PartitionErrorCode);
        var offsets = await client.RequestAsync<AddOffsetsToTxnResponse>(ApiKey.AddOffsetsToTxn, 0,
            new AddOffsetsToTxnRequest { TransactionalId = "t", ProducerId = old.ProducerId, ProducerEpoch = old.ProducerEpoch, GroupId = "g" }, ct);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)offsets.ErrorCode);
        var end = await client.RequestAsync<EndTxnResponse>(ApiKey.EndTxn, 1,
            new EndTxnRequest { TransactionalId = "t", ProducerId = old.ProducerId, ProducerEpoch = old.ProducerEpoch, Committed = true }, ct);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)end.ErrorCode);
        var commit = await client.RequestAsync<TxnOffsetCommitResponse>(ApiKey.TxnOffsetCommit, 3, OffsetCommit("t", old, "g"), ct);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)commit.Topics.Single().Partitions.Single().ErrorCode);
    }

    [Fact]
    public async Task Unknown_partitions_fail_the_whole_add_and_offsets_need_their_group_in_the_transaction()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, ct);
        await client.RequestAsync<MetadataResponse>(ApiKey.Metadata, 8, new MetadataRequest { Topics = [new() { Name = "topic" }], AllowAutoTopicCreation = true }, ct);
        var producer = await InitAsync(client, 4, "t", ct);

        var add = await client.RequestAsync<AddPartitionsToTxnResponse>(ApiKey.AddPartitionsToTxn, 0, AddPartitions("t", producer, ("topic", 0), ("missing", 0)), ct);
        var errors = add.ResultsByTopicV3AndBelow.ToDictionary(t => t.Name, t => (ErrorCode)t.ResultsByPartition.Single().PartitionErrorCode);
        Assert.Equal(ErrorCode.OperationNotAttempted, errors["topic"]);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, errors["missing"]);

        var commit = await client.RequestAsync<TxnOffsetCommitResponse>(ApiKey.TxnOffsetCommit, 3, OffsetCommit("t", producer, "g"), ct);
        Assert.Equal(ErrorCode.InvalidTxnState, (ErrorCode)commit.Topics.Single().Partitions.Single().ErrorCode);

        // Nothing is open, so only the outcome the last transaction had could be a retry.
        var end = await client.RequestAsync<EndTxnResponse>(ApiKey.EndTxn, 1,
            new EndTxnRequest { TransactionalId = "t", ProducerId = producer.ProducerId, ProducerEpoch = producer.ProducerEpoch, Committed = false }, ct);
        Assert.Equal(ErrorCode.InvalidTxnState, (ErrorCode)end.ErrorCode);
    }

    private static Task<InitProducerIdResponse> InitAsync(RawKafkaClient client, short version, string transactionalId, CancellationToken cancellationToken,
        long producerId = -1, short epoch = -1, int timeoutMs = 60_000) =>
        client.RequestAsync<InitProducerIdResponse>(ApiKey.InitProducerId, version,
            new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = timeoutMs, ProducerId = producerId, ProducerEpoch = epoch }, cancellationToken);

    private static AddPartitionsToTxnRequest AddPartitions(string transactionalId, InitProducerIdResponse producer, params (string Topic, int Partition)[] partitions) => new()
    {
        V3AndBelowTransactionalId = transactionalId,
        V3AndBelowProducerId = producer.ProducerId,
        V3AndBelowProducerEpoch = producer.ProducerEpoch,
        V3AndBelowTopics = [.. partitions.Select(p => new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = p.Topic, Partitions = [p.Partition] })],
    };

    private static TxnOffsetCommitRequest OffsetCommit(string transactionalId, InitProducerIdResponse producer, string group) => new()
    {
        TransactionalId = transactionalId,
        GroupId = group,
        ProducerId = producer.ProducerId,
        ProducerEpoch = producer.ProducerEpoch,
        Topics = [new() { Name = "topic", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 5 }] }],
    };
}
