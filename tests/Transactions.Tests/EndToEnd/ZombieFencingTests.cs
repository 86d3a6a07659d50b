using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Outbox.EmbeddedKafka;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.EndToEnd;

public sealed class ZombieFencingTests
{
    private const int Inputs = 200;
    private const int KafkaErrorEventId = 5011;

    [Fact]
    public async Task An_instance_that_stalled_past_its_poll_interval_is_fenced_when_it_commits_and_nothing_it_wrote_becomes_visible()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, "zombie");
        await kafka.CreateTopicsAsync();
        kafka.ProduceInputs(Inputs, keys: 10);

        // The zombie stalls in its first handler call with a transaction open, long enough for the group to
        // drop it (max.poll.interval.ms) and give its partitions to a second instance.
        var gate = new StallGate();
        var zombieLogs = new CapturingLoggerProvider();
        await using var zombie = await PipelineInstance.StartAsync(
            services => services
                .AddSingleton(gate)
                .AddTransactionalPipeline<OrderPlaced, StallingEnrichOrders>(kafka.GroupId, options =>
                {
                    options.Kafka.BootstrapServers = broker.BootstrapServers;
                    options.Topics.Add(EnrichmentPipeline.InputTopic);
                    options.InstanceId = "zombie";
                    options.MaxBatchSize = 1;
                    options.Kafka.Properties["session.timeout.ms"] = "1000";
                    options.Kafka.Properties["heartbeat.interval.ms"] = "100";
                    options.Kafka.Properties["max.poll.interval.ms"] = "1500";
                }),
            zombieLogs);
        await gate.Stalled.WaitAsync(TimeSpan.FromSeconds(60), ct);

        await using (await PipelineInstance.StartAsync(services => services.AddEnrichmentPipeline(broker.BootstrapServers, kafka.GroupId, "successor")))
        {
            await kafka.WaitForCommittedAsync(Inputs, TimeSpan.FromSeconds(60), ct);

            // Woken up, the zombie emits its output and commits with the group generation it started the
            // transaction in; the group coordinator refuses the offsets and the transaction is aborted.
            gate.Release();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!zombieLogs.Events.Any(e => e.EventId.Id == KafkaErrorEventId))
            {
                Assert.True(DateTime.UtcNow < deadline, $"The zombie was not fenced within 60 s.{Environment.NewLine}{zombieLogs}");
                await Task.Delay(20, ct);
            }

            await zombie.StopAsync();
            var fenced = Assert.IsAssignableFrom<KafkaException>(zombieLogs.Events.First(e => e.EventId.Id == KafkaErrorEventId).Exception);
            Assert.Contains(fenced.Error.Code, new[] { ErrorCode.UnknownMemberId, ErrorCode.IllegalGeneration, ErrorCode.FencedInstanceId });
        }

        kafka.AssertExactlyOnceInKeyOrder();
    }

    /// <summary>Holds the first handler call until released.</summary>
    private sealed class StallGate
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Stalled => _stalled.Task;

        public void Release() => _released.TrySetResult();

        public async ValueTask PassAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                _stalled.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private sealed class StallingEnrichOrders(StallGate gate) : IPipelineHandler<OrderPlaced>
    {
        public async ValueTask HandleAsync(OrderPlaced message, PipelineContext context, CancellationToken cancellationToken)
        {
            await gate.PassAsync(cancellationToken);
            context.Emit(EnrichOrders.OutputTopic, new OrderEnriched(message.Key, message.Sequence));
        }
    }
}
