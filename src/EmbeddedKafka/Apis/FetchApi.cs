using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// Fetch (key 1), v4-11. Returns whole stored batches from the one containing the fetch offset, at
/// least one batch per partition and then up to PartitionMaxBytes / MaxBytes. read_committed stops at
/// the last stable offset and lists the aborted transactions overlapping the returned range, so the
/// client can drop their records. Waits up to MaxWaitMs until MinBytes are available (stable bytes
/// only under read_committed). No fetch sessions: SessionId is always 0. Record sets are never null.
/// </summary>
internal sealed class FetchApi(Cluster cluster) : KafkaApi<FetchRequest, FetchResponse>(cluster)
{
    public override ApiKey Key => ApiKey.Fetch;

    public override short MinVersion => 4;

    public override short MaxVersion => 11;

    protected override async ValueTask<FetchResponse?> HandleAsync(RequestContext context, FetchRequest request, CancellationToken cancellationToken)
    {
        var deadline = Cluster.Time.GetTimestamp() + (long)(Math.Max(0, request.MaxWaitMs) * (Cluster.Time.TimestampFrequency / 1000.0));
        while (true)
        {
            var (response, bytes, waitFor) = Read(context, request);
            var remaining = Cluster.Time.GetElapsedTime(Cluster.Time.GetTimestamp(), deadline);
            if (bytes >= Math.Max(1, request.MinBytes) || remaining <= TimeSpan.Zero || waitFor.Count == 0)
            {
                return response;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(remaining, Cluster.Time, timeout.Token);
            await Task.WhenAny(waitFor.Append(delay)).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private (FetchResponse Response, int Bytes, List<Task> WaitFor) Read(RequestContext context, FetchRequest request)
    {
        var committed = request.IsolationLevel == 1;
        var response = new FetchResponse { Responses = [] };
        var waitFor = new List<Task>();
        var total = 0;
        lock (Cluster.Sync)
        {
            foreach (var topic in request.Topics)
            {
                var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic, Partitions = [] };
                response.Responses.Add(topicResponse);
                foreach (var partition in topic.Partitions)
                {
                    var result = new FetchResponse.PartitionData
                    {
                        PartitionIndex = partition.Partition, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1,
                        PreferredReadReplica = -1, Records = ReadOnlyMemory<byte>.Empty,
                    };
                    topicResponse.Partitions.Add(result);
                    var log = Cluster.FindPartition(topic.Topic, partition.Partition);
                    if (log is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        continue;
                    }

                    result.HighWatermark = log.HighWatermark;
                    result.LastStableOffset = log.LastStableOffset;
                    result.LogStartOffset = log.LogStartOffset;
                    waitFor.Add(log.Changed);
                    if (partition.CurrentLeaderEpoch > 0)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownLeaderEpoch;
                        continue;
                    }

                    if (partition.FetchOffset < log.LogStartOffset || partition.FetchOffset > log.HighWatermark)
                    {
                        result.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                        continue;
                    }

                    var limit = committed ? log.LastStableOffset : log.HighWatermark;
                    var budget = Math.Min(partition.PartitionMaxBytes, Math.Max(0, request.MaxBytes - total));
                    if (budget <= 0 && total > 0)
                    {
                        continue;
                    }

                    var batches = log.Read(partition.FetchOffset, limit, budget);
                    if (batches.Count == 0)
                    {
                        continue;
                    }

                    // The response refers to the stored bytes, written by reference as one gather write,
                    // and their frames stay alive until it is written.
                    var size = 0;
                    var parts = new ReadOnlyMemory<byte>[batches.Count];
                    for (var i = 0; i < batches.Count; i++)
                    {
                        if (batches[i].Frame is { } frame)
                        {
                            context.HoldUntilSent(frame);
                        }

                        parts[i] = batches[i].Data;
                        size += batches[i].Size;
                    }

                    result.Records = ChainedRecords.Of(parts);
                    total += size;
                    if (committed)
                    {
                        result.AbortedTransactions = [.. log.AbortedBetween(partition.FetchOffset, batches[^1].LastOffset + 1)
                            .Select(a => new FetchResponse.AbortedTransaction { ProducerId = a.ProducerId, FirstOffset = a.FirstOffset })];
                    }
                }
            }
        }

        return (response, total, waitFor);
    }

    protected override FetchResponse ErrorResponse(RequestContext context, FetchRequest request, ErrorCode error) => new()
    {
        Responses = [.. request.Topics.Select(t => new FetchResponse.FetchableTopicResponse
        {
            Topic = t.Topic,
            Partitions = [.. t.Partitions.Select(p => new FetchResponse.PartitionData
            {
                PartitionIndex = p.Partition, ErrorCode = (short)error, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1,
                PreferredReadReplica = -1, Records = ReadOnlyMemory<byte>.Empty,
            })],
        })],
    };
}
