using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Internal.Relay;

/// <summary>
/// Reads the last committed checkpoint of a lane (read_committed). Called only after the lane's
/// producer has initialised its transactions, which completes or aborts whatever the previous owner
/// left open, so the partition's end is stable while it is read. Reads back from the end in growing
/// windows because aborted batches and commit markers also take offsets.
/// </summary>
internal static class CheckpointReader
{
    public static Task<long[]?> ReadLastAsync(KafkaClientOptions kafka, string topic, int lane, string groupId, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(
            () => ReadLast(kafka, topic, lane, groupId, timeout, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static long[]? ReadLast(KafkaClientOptions kafka, string topic, int lane, string groupId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var config = kafka.CreateConsumerConfig(groupId);
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<string?, byte[]>(config)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, _) => { })
            .Build();
        var partition = new TopicPartition(topic, lane);
        var marks = consumer.QueryWatermarkOffsets(partition, timeout);
        long low = marks.Low.Value, high = marks.High.Value;
        if (high <= low)
        {
            return null;
        }

        for (long window = 16; ; window *= 4)
        {
            var start = Math.Max(low, high - window);
            consumer.Assign(new TopicPartitionOffset(partition, start));
            ConsumeResult<string?, byte[]>? last = null;
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"Reading the checkpoint of lane {lane} from {topic} did not reach the partition end within {timeout}.");
                    }

                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    break;
                }

                last = result;
            }

            consumer.Unassign();
            if (last is not null)
            {
                return RelayCheckpoint.Decode(last.Message.Value);
            }

            if (start == low)
            {
                return null;
            }
        }
    }
}
