using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// Produce (key 0), v3-8 (record batch v2 only). Each partition's record set is split into batches
/// and validated (length, magic, CRC-32C, no client control batches, size limit) before anything is
/// appended. Idempotent batches are checked against the producer's sequence: a retried batch is
/// answered with its original offset, a gap gets OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch
/// INVALID_PRODUCER_EPOCH. Transactional batches must belong to an open transaction that includes the
/// partition; a producer with an open transaction may not write outside it. acks=0 gets no response.
/// A log grown past its retention.bytes by a sixteenth is trimmed back to it at once, not only on the next tick.
/// </summary>
internal sealed class ProduceApi(Cluster cluster) : KafkaApi<ProduceRequest, ProduceResponse>(cluster)
{
    public override ApiKey Key => ApiKey.Produce;

    public override short MinVersion => 3;

    public override short MaxVersion => 8;

    protected override ValueTask<ProduceResponse?> HandleAsync(RequestContext context, ProduceRequest request, CancellationToken cancellationToken)
    {
        if (request.Acks is not (-1 or 0 or 1))
        {
            return ValueTask.FromResult<ProduceResponse?>(ErrorResponse(context, request, ErrorCode.InvalidRequiredAcks));
        }

        var response = new ProduceResponse { Responses = [] };
        var batches = new List<(int Offset, RecordBatchHeader Header)>();
        lock (Cluster.Sync)
        {
            foreach (var topicData in request.TopicData)
            {
                var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topicData.Name, PartitionResponses = [] };
                response.Responses.Add(topicResponse);
                foreach (var partitionData in topicData.PartitionData)
                {
                    batches.Clear();
                    topicResponse.PartitionResponses.Add(Append(context, request, topicData.Name, partitionData, batches));
                }
            }
        }

        return ValueTask.FromResult(request.Acks == 0 ? null : response);
    }

    private ProduceResponse.PartitionProduceResponse Append(RequestContext context, ProduceRequest request, string topic, ProduceRequest.PartitionProduceData data, List<(int Offset, RecordBatchHeader Header)> batches)
    {
        var result = new ProduceResponse.PartitionProduceResponse { Index = data.Index, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 };
        var log = Cluster.FindPartition(topic, data.Index);
        if (log is null)
        {
            return Fail(result, ErrorCode.UnknownTopicOrPartition);
        }

        result.LogStartOffset = log.LogStartOffset;
        var records = data.Records ?? ReadOnlyMemory<byte>.Empty;
        var invalid = RecordBatchHeader.TryReadAll(records.Span, batches);
        if (invalid != ErrorCode.None)
        {
            return Fail(result, invalid);
        }

        var topicState = Cluster.Topics[topic];
        var maxMessageBytes = TopicConfigs.EffectiveMaxMessageBytes(topicState, Cluster.Options);
        foreach (var (_, header) in batches)
        {
            if (header.TotalSize > maxMessageBytes)
            {
                return Fail(result, ErrorCode.MessageTooLarge, $"batch of {header.TotalSize} bytes exceeds the topic's limit of {maxMessageBytes}");
            }

            if (header.IsTransactional != (request.TransactionalId is not null) || (header.IsTransactional && header.ProducerId < 0))
            {
                return Fail(result, ErrorCode.InvalidRecord, "transactional batches need a transactional id and a producer id, and only they may carry one");
            }

            var txnError = header.ProducerId >= 0 ? Cluster.Transactions.ValidateProduce(request.TransactionalId, header, topic, data.Index) : ErrorCode.None;
            if (txnError != ErrorCode.None)
            {
                return Fail(result, txnError);
            }
        }

        long firstOffset = -1;
        foreach (var (offset, header) in batches)
        {
            var sequenceError = log.CheckSequence(header, out var duplicateOf);
            long baseOffset;
            if (sequenceError == ErrorCode.DuplicateSequenceNumber)
            {
                baseOffset = duplicateOf;
            }
            else if (sequenceError != ErrorCode.None)
            {
                return Fail(result, sequenceError);
            }
            else
            {
                baseOffset = context.Frame is { } frame ? log.Append(records[offset..], header, frame) : log.Append(records.Span[offset..], header);
            }

            if (firstOffset < 0)
            {
                firstOffset = baseOffset;
            }
        }

        // Trimmed here as well as on the tick, so the log stays near its limit at any produce rate and the frames it
        // drops go back to the pool while still mapped and cached. A sixteenth of slack batches the trims (each one
        // checkpoints the log start offset when there is a data directory).
        var retentionBytes = TopicConfigs.EffectiveRetentionBytes(topicState, Cluster.Options);
        if (retentionBytes >= 0 && log.SizeInBytes > retentionBytes + retentionBytes / 16)
        {
            log.ApplyRetention(retentionBytes, long.MinValue);
        }

        result.BaseOffset = firstOffset;
        result.LogStartOffset = log.LogStartOffset;
        return result;
    }

    private static ProduceResponse.PartitionProduceResponse Fail(ProduceResponse.PartitionProduceResponse result, ErrorCode error, string? message = null)
    {
        result.ErrorCode = (short)error;
        result.ErrorMessage = message;
        return result;
    }

    protected override ProduceResponse ErrorResponse(RequestContext context, ProduceRequest request, ErrorCode error) => new()
    {
        Responses = [.. request.TopicData.Select(t => new ProduceResponse.TopicProduceResponse
        {
            Name = t.Name,
            PartitionResponses = [.. t.PartitionData.Select(p => new ProduceResponse.PartitionProduceResponse
            {
                Index = p.Index, ErrorCode = (short)error, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1,
            })],
        })],
    };
}
