using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// OffsetForLeaderEpoch (key 23), v2 only (what librdkafka sends to validate a position, KIP-320).
/// Every partition has had one leader epoch, 0, so epoch 0 ends at the log end offset. A current
/// leader epoch above 0 gets UNKNOWN_LEADER_EPOCH; an asked epoch above 0 is unknown (-1, -1).
/// </summary>
internal sealed class OffsetForLeaderEpochApi(Cluster cluster) : KafkaApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(cluster)
{
    public override ApiKey Key => ApiKey.OffsetForLeaderEpoch;

    public override short MinVersion => 2;

    public override short MaxVersion => 2;

    protected override ValueTask<OffsetForLeaderEpochResponse?> HandleAsync(RequestContext context, OffsetForLeaderEpochRequest request, CancellationToken cancellationToken)
    {
        var response = new OffsetForLeaderEpochResponse { Topics = [] };
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic, Partitions = [] };
                response.Topics.Add(topicResult);
                foreach (var partition in topic.Partitions)
                {
                    var result = new OffsetForLeaderEpochResponse.EpochEndOffset { Partition = partition.Partition, LeaderEpoch = -1, EndOffset = -1 };
                    topicResult.Partitions.Add(result);
                    var log = Cluster.FindPartition(topic.Topic, partition.Partition);
                    if (log is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    }
                    else if (partition.CurrentLeaderEpoch > 0)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownLeaderEpoch;
                    }
                    else if (partition.LeaderEpoch == 0)
                    {
                        result.LeaderEpoch = 0;
                        result.EndOffset = log.HighWatermark;
                    }
                }
            }
        }

        return ValueTask.FromResult<OffsetForLeaderEpochResponse?>(response);
    }

    protected override OffsetForLeaderEpochResponse ErrorResponse(RequestContext context, OffsetForLeaderEpochRequest request, ErrorCode error) => new()
    {
        Topics = [.. request.Topics.Select(t => new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult
        {
            Topic = t.Topic,
            Partitions = [.. t.Partitions.Select(p => new OffsetForLeaderEpochResponse.EpochEndOffset
            {
                Partition = p.Partition, ErrorCode = (short)error, LeaderEpoch = -1, EndOffset = -1,
            })],
        })],
    };
}
