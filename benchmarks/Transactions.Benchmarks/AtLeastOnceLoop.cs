using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.Messaging;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The baseline: the pipeline's record processor without transactions (at least once). An idempotent producer
/// with the same settings as the pipeline's, the input read read_committed, and the consumed offsets committed by
/// the consumer after a flush, on the pipeline's commit interval.
/// </summary>
internal static class AtLeastOnceLoop
{
    /// <summary>
    /// Takes <paramref name="records"/> inputs through (or runs until <paramref name="cancellationToken"/> is
    /// cancelled) and calls <paramref name="committed"/> after each commit.
    /// </summary>
    public static async Task RunAsync(TransactionalPipelineOptions options, string group, int records, Action committed, CancellationToken cancellationToken)
    {
        var settings = PipelineSettings.From(group, options);
        var registry = new MessageTypeRegistry();
        var serializer = new JsonMessageSerializer();
        InputTypes.Register<PaymentReceived>(registry);
        await using var services = new ServiceCollection().AddScoped<IPipelineHandler<PaymentReceived>, BookPayments>().BuildServiceProvider();
        var processor = new RecordProcessor<PaymentReceived>(
            settings,
            new ScopedHandlerAttempt<PaymentReceived>(services.GetRequiredService<IServiceScopeFactory>()),
            registry,
            serializer,
            new OutputRecordFactory(registry, serializer, settings.Source, TimeProvider.System),
            new DeadLetterRecordFactory(settings.DeadLetterTopic, group, TimeProvider.System),
            TimeProvider.System,
            NullLogger.Instance);

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(options.Kafka.CreateProducerConfig()).Build();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(options.Kafka.CreateConsumerConfig(group)).Build();
        consumer.Subscribe(PipelineTopics.Input);
        var offsets = new Dictionary<TopicPartition, TopicPartitionOffset>();
        var consumed = 0;
        var nextCommit = DateTime.MaxValue;
        while (!cancellationToken.IsCancellationRequested && (consumed < records || offsets.Count > 0))
        {
            if (consumed < records && consumer.Consume(TimeSpan.FromMilliseconds(50)) is { } record)
            {
                if (offsets.Count == 0)
                {
                    // Like the pipeline's transaction, the interval starts with the first record after a commit.
                    nextCommit = DateTime.UtcNow + options.CommitInterval;
                }

                foreach (var output in (await processor.ProcessAsync(record, cancellationToken)).Records)
                {
                    producer.Produce(output.Topic, output.Message);
                }

                offsets[record.TopicPartition] = new TopicPartitionOffset(record.TopicPartition, record.Offset + 1);
                consumed++;
            }
            else if (consumed == records && nextCommit - DateTime.UtcNow is { Ticks: > 0 } untilCommit)
            {
                // All read: wait for the commit as the pipeline waits in its poll, rather than spin a core the broker needs.
                await Task.Delay(untilCommit, cancellationToken);
            }

            // Like the pipeline, commit on the interval only: neither side knows where the input ends.
            if (offsets.Count > 0 && DateTime.UtcNow >= nextCommit)
            {
                // At least once: the outputs are acknowledged before the offsets that cover them are committed.
                producer.Flush(TimeSpan.FromSeconds(30));
                consumer.Commit(offsets.Values);
                offsets.Clear();
                committed();
            }
        }

        consumer.Close();
    }
}
