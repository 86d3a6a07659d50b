using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.Messaging;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The pipeline with transactions (exactly once) against the same record processor without them (at least once:
/// idempotent producer, offsets committed by the consumer after a flush). Enough inputs that a run spans several
/// commit intervals, so the per-commit cost shows rather than start-up.
/// </summary>
public class PipelineOverheadBenchmarks : PipelineBenchmark
{
    protected override int Records => 150_000;

    [Benchmark(Baseline = true, Description = "at-least-once")]
    public async Task AtLeastOnce()
    {
        var group = NextGroup();
        var options = Options(group);
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
        consumer.Subscribe(InputTopic);
        var offsets = new Dictionary<TopicPartition, TopicPartitionOffset>();
        var consumed = 0;
        var nextCommit = DateTime.MaxValue;
        while (consumed < Records || offsets.Count > 0)
        {
            if (consumed < Records && consumer.Consume(TimeSpan.FromMilliseconds(50)) is { } record)
            {
                if (offsets.Count == 0)
                {
                    // Like the pipeline's transaction, the interval starts with the first record after a commit.
                    nextCommit = DateTime.UtcNow.AddMilliseconds(CommitIntervalMs);
                }

                foreach (var output in (await processor.ProcessAsync(record, CancellationToken.None)).Records)
                {
                    producer.Produce(output.Topic, output.Message);
                }

                offsets[record.TopicPartition] = new TopicPartitionOffset(record.TopicPartition, record.Offset + 1);
                consumed++;
            }
            else if (consumed == Records && nextCommit - DateTime.UtcNow is { Ticks: > 0 } untilCommit)
            {
                // All read: wait for the commit as the pipeline waits in its poll, rather than spin a core the broker needs.
                await Task.Delay(untilCommit);
            }

            // Like the pipeline, commit on the interval only: neither side knows where the input ends.
            if (offsets.Count > 0 && DateTime.UtcNow >= nextCommit)
            {
                // At least once: the outputs are acknowledged before the offsets that cover them are committed.
                producer.Flush(TimeSpan.FromSeconds(30));
                consumer.Commit(offsets.Values);
                offsets.Clear();
            }
        }

        consumer.Close();
    }

    [Benchmark(Description = "exactly-once (transactions)")]
    public async Task ExactlyOnce()
    {
        var group = NextGroup();
        var services = new ServiceCollection();
        services.AddTransactionalPipeline<PaymentReceived, BookPayments>(group, options => Configure(options, group));
        await RunPipelineAsync(services, group);
    }
}
