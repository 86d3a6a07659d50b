using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// DeleteRecords (key 21), v0-1: moves each partition's log start offset up to Offset (-1 means the
/// high watermark) and answers the new low watermark. An offset above the high watermark gets
/// OFFSET_OUT_OF_RANGE; one at or below the current start changes nothing. Readers positioned below
/// the new start get OFFSET_OUT_OF_RANGE on their next fetch and reset.
/// </summary>
internal sealed class DeleteRecordsApi(Cluster cluster) : KafkaApi<DeleteRecordsRequest, DeleteRecordsResponse>(cluster)
{
    private const long HighWatermark = -1;

    public override ApiKey Key => ApiKey.DeleteRecords;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<DeleteRecordsResponse?> HandleAsync(RequestContext context, DeleteRecordsRequest request, CancellationToken cancellationToken)
    {
        var response = new DeleteRecordsResponse { Topics = [] };
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name, Partitions = [] };
                response.Topics.Add(topicResult);
                foreach (var partition in topic.Partitions)
                {
                    var result = new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = partition.PartitionIndex, LowWatermark = -1 };
                    topicResult.Partitions.Add(result);
                    var log = Cluster.FindPartition(topic.Name, partition.PartitionIndex);
                    if (log is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        continue;
                    }

                    var offset = partition.Offset == HighWatermark ? log.HighWatermark : partition.Offset;
                    if (offset < 0 || offset > log.HighWatermark)
                    {
                        result.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                        continue;
                    }

                    if (offset > log.LogStartOffset)
                    {
                        log.DeleteBefore(offset);
                        Log.RecordsDeleted(Cluster.Logger, topic.Name, partition.PartitionIndex, offset);
                    }

                    result.LowWatermark = log.LogStartOffset;
                }
            }
        }

        return ValueTask.FromResult<DeleteRecordsResponse?>(response);
    }

    protected override DeleteRecordsResponse ErrorResponse(RequestContext context, DeleteRecordsRequest request, ErrorCode error) => new()
    {
        Topics = [.. request.Topics.Select(t => new DeleteRecordsResponse.DeleteRecordsTopicResult
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p => new DeleteRecordsResponse.DeleteRecordsPartitionResult
            {
                PartitionIndex = p.PartitionIndex, LowWatermark = -1, ErrorCode = (short)error,
            })],
        })],
    };
}
