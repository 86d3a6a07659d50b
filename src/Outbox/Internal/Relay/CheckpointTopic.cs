using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.Messaging;

namespace Outbox.Internal.Relay;

/// <summary>Creates the compacted checkpoint topic with one partition per lane, or checks the one that exists.</summary>
internal static class CheckpointTopic
{
    public static Task EnsureAsync(KafkaClientOptions kafka, string topic, int laneCount, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(
            async () =>
            {
                var config = new AdminClientConfig(kafka.CreateProducerConfig());
                using var admin = new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build();
                // Metadata for all topics: asking for this one by name would let the broker auto-create it with default partitions.
                var existing = admin.GetMetadata(timeout).Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
                if (existing is null)
                {
                    try
                    {
                        await admin.CreateTopicsAsync(
                            [new TopicSpecification
                            {
                                Name = topic,
                                NumPartitions = laneCount,
                                ReplicationFactor = -1,
                                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
                            }],
                            new CreateTopicsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
                        return;
                    }
                    catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
                    {
                        existing = admin.GetMetadata(timeout).Topics.First(t => t.Topic == topic);
                    }
                }

                if (existing.Partitions.Count < laneCount)
                {
                    throw new InvalidOperationException(
                        $"The outbox checkpoint topic '{topic}' has {existing.Partitions.Count} partitions but the outbox has {laneCount} lanes: " +
                        "add partitions to the topic or set OutboxOptions.CheckpointTopic to a new topic.");
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
}
