using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// The baseline: a plain Confluent.Kafka consumer (same read_committed, manual-commit configuration as the inbox)
/// that reads a topic from the beginning with a fresh consumer group, does nothing per record, and commits the
/// consumed position every <c>commitInterval</c> like the inbox does, then once more before closing.
/// </summary>
internal static class RawConsumerLoop
{
    public static Task RunAsync(string bootstrapServers, string topic, int records, TimeSpan commitInterval) =>
        Task.Factory.StartNew(() => Run(bootstrapServers, topic, records, commitInterval), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Run(string bootstrapServers, string topic, int records, TimeSpan commitInterval)
    {
        var config = new KafkaClientOptions { BootstrapServers = bootstrapServers }.CreateConsumerConfig("raw-" + Guid.NewGuid().ToString("N"));
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        var nextCommit = DateTime.UtcNow + commitInterval;
        var consumed = 0;
        while (consumed < records)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The raw consumer read {consumed} of {records} records in 5 minutes.");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result)
            {
                consumer.StoreOffset(result);
                consumed++;
            }

            if (DateTime.UtcNow >= nextCommit)
            {
                Commit(consumer);
                nextCommit = DateTime.UtcNow + commitInterval;
            }
        }

        Commit(consumer);
        consumer.Close();
    }

    private static void Commit(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing consumed since the last commit.
        }
    }
}
