using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Admin;

public sealed class OffsetForLeaderEpochTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Epoch_0_ends_at_the_log_end_offset_and_a_newer_current_epoch_is_unknown()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        lock (broker.Cluster.Sync)
        {
            broker.Cluster.CreateTopic("epochs", 1, new Dictionary<string, string?>(), out _);
            var log = broker.Cluster.FindPartition("epochs", 0)!;
            for (var i = 0; i < 3; i++)
            {
                var batch = TestRecordBatch.Single([1, 2, 3], broker.Cluster.NowMs);
                log.Append(batch, RecordBatchHeader.Read(batch));
            }
        }

        using var client = await RawKafkaClient.ConnectAsync(broker, Ct);
        var response = await client.RequestAsync<OffsetForLeaderEpochResponse>(ApiKey.OffsetForLeaderEpoch, 2, new OffsetForLeaderEpochRequest
        {
            Topics =
            [
                new OffsetForLeaderEpochRequest.OffsetForLeaderTopic
                {
                    Topic = "epochs",
                    Partitions =
                    [
                        new OffsetForLeaderEpochRequest.OffsetForLeaderPartition { Partition = 0, CurrentLeaderEpoch = 0, LeaderEpoch = 0 },
                        new OffsetForLeaderEpochRequest.OffsetForLeaderPartition { Partition = 0, CurrentLeaderEpoch = 1, LeaderEpoch = 0 },
                        new OffsetForLeaderEpochRequest.OffsetForLeaderPartition { Partition = 7, CurrentLeaderEpoch = 0, LeaderEpoch = 0 },
                    ],
                },
            ],
        }, Ct);

        var results = response.Topics.Single().Partitions.Select(p => ((ErrorCode)p.ErrorCode, p.LeaderEpoch, p.EndOffset)).ToList();
        Assert.Equal([(ErrorCode.None, 0, 3L), (ErrorCode.UnknownLeaderEpoch, -1, -1L), (ErrorCode.UnknownTopicOrPartition, -1, -1L)], results);
    }
}
