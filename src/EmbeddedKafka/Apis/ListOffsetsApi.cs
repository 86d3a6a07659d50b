using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// ListOffsets (key 2), v1-5: earliest (-2) is the log start offset, latest (-1) the high watermark, or
/// the last stable offset for read_committed (IsolationLevel 1, v2+); a timestamp gives the first
/// offset whose batch has a timestamp at or after it, or -1 when there is none.
/// </summary>
internal sealed class ListOffsetsApi(Cluster cluster) : KafkaApi<ListOffsetsRequest, ListOffsetsResponse>(cluster)
{
    private const long Latest = -1;
    private const long Earliest = -2;
    private const long MaxTimestamp = -3;

    public override ApiKey Key => ApiKey.ListOffsets;

    public override short MinVersion => 1;

    public override short MaxVersion => 5;

    protected override ValueTask<ListOffsetsResponse?> HandleAsync(RequestContext context, ListOffsetsRequest request, CancellationToken cancellationToken)
    {
        var committed = request.IsolationLevel == 1;
        var response = new ListOffsetsResponse { Topics = [] };
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name, Partitions = [] };
                response.Topics.Add(topicResponse);
                foreach (var partition in topic.Partitions)
                {
                    var result = new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = partition.PartitionIndex, Timestamp = -1, Offset = -1, LeaderEpoch = 0 };
                    topicResponse.Partitions.Add(result);
                    var log = Cluster.FindPartition(topic.Name, partition.PartitionIndex);
                    if (log is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        continue;
                    }

                    var limit = committed ? log.LastStableOffset : log.HighWatermark;
                    (result.Offset, result.Timestamp) = partition.Timestamp switch
                    {
                        Earliest => (log.LogStartOffset, -1L),
                        Latest => (limit, -1L),
                        MaxTimestamp => log.MaxTimestamp(limit),
                        _ => log.OffsetForTimestamp(partition.Timestamp, limit),
                    };
                }
            }
        }

        return ValueTask.FromResult<ListOffsetsResponse?>(response);
    }

    protected override ListOffsetsResponse ErrorResponse(RequestContext context, ListOffsetsRequest request, ErrorCode error) => new()
    {
        Topics = [.. request.Topics.Select(t => new ListOffsetsResponse.ListOffsetsTopicResponse
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p => new ListOffsetsResponse.ListOffsetsPartitionResponse
            {
                PartitionIndex = p.PartitionIndex, ErrorCode = (short)error, Timestamp = -1, Offset = -1,
            })],
        })],
    };
}
