using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Outbox.Samples.Demo.Kafka;

/// <summary>How far a consumer group got, from its committed offsets.</summary>
public static class ConsumerGroupProgress
{
    /// <summary>
    /// Waits until <paramref name="group"/> has committed past <paramref name="record"/>. The inbox commits a record's
    /// offset only once the record was dealt with (handled, skipped as a duplicate, parked or dead-lettered).
    /// </summary>
    public static async Task WaitUntilPastAsync(string bootstrapServers, string group, TopicPartitionOffset record, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        while (true)
        {
            var committed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [record.TopicPartition])]);
            if (committed.Single().Partitions.Single().Offset.Value > record.Offset.Value)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
