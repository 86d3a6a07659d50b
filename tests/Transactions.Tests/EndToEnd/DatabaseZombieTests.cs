using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.EmbeddedKafka;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.EndToEnd;

/// <summary>
/// Two owners of one input at once, in the database: a zombie that stalled inside its database transaction and a
/// successor that handled the same input meanwhile. PostgreSQL only: SQLite runs one write transaction at a time, so
/// there the stalled zombie would hold up the successor instead of racing it.
/// </summary>
public sealed class DatabaseZombieTests
{
    private const int Inputs = 200;
    private const int KafkaErrorEventId = 5011;
    private const int HandlerFailedEventId = 5030;

    [Fact]
    public async Task A_zombie_that_handled_an_input_the_successor_already_handled_loses_on_the_inbox_key_and_applies_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await EnrichmentDatabase.CreateAsync("postgres");
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, "db-zombie");
        await kafka.CreateTopicsAsync();
        kafka.ProduceInputs(Inputs, keys: 10);
        using var replays = new ReplayCounter(kafka.GroupId);

        // The zombie stalls in its first handler call, its database transaction open and the inbox row not yet
        // there, until the group has dropped it and the successor has handled and committed every input.
        var gate = new StallGate();
        var zombieLogs = new CapturingLoggerProvider();
        await using var zombie = await PipelineInstance.StartAsync(
            services =>
            {
                services.AddSingleton(gate);
                services.AddDbContext<EnrichmentDbContext>(o => EnrichmentDbContext.Use(o, database.Provider, database.ConnectionString));
                services.AddTransactionalPipeline<OrderPlaced, StallingEnrichOrdersWithDatabase>(kafka.GroupId, options =>
                    {
                        options.Kafka.BootstrapServers = broker.BootstrapServers;
                        options.Topics.Add(EnrichmentPipeline.InputTopic);
                        options.InstanceId = "zombie";
                        options.MaxBatchSize = 1;
                        options.RetryBackoff = TimeSpan.FromMilliseconds(10);
                        options.Kafka.Properties["session.timeout.ms"] = "1000";
                        options.Kafka.Properties["heartbeat.interval.ms"] = "100";
                        options.Kafka.Properties["max.poll.interval.ms"] = "1500";
                    })
                    .WithDatabase<EnrichmentDbContext>();
            },
            zombieLogs);
        await gate.Stalled.WaitAsync(TimeSpan.FromSeconds(60), ct);

        await using (await PipelineInstance.StartAsync(services =>
            services.AddEnrichmentPipelineWithDatabase(broker.BootstrapServers, kafka.GroupId, "successor", database.Provider, database.ConnectionString)))
        {
            await kafka.WaitForCommittedAsync(Inputs, TimeSpan.FromSeconds(60), ct);

            // Released, the zombie writes its effects and then the inbox row, which the successor's row refuses; the
            // whole attempt rolls back. Its next attempt finds the row and only emits; its Kafka commit is fenced.
            gate.Release();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!zombieLogs.Events.Any(e => e.EventId.Id == KafkaErrorEventId))
            {
                Assert.True(DateTime.UtcNow < deadline, $"The zombie was not fenced within 60 s.{Environment.NewLine}{zombieLogs}");
                await Task.Delay(20, ct);
            }

            await zombie.StopAsync();
        }

        Assert.Contains(zombieLogs.Events, e => e.EventId.Id == HandlerFailedEventId && e.Exception is DbUpdateException);
        Assert.True(replays.Replays > 0, $"The zombie did not replay the input after losing on the inbox key.{Environment.NewLine}{zombieLogs}");
        kafka.AssertExactlyOnceInKeyOrder();
        await database.AssertEffectsExactlyOnceAsync(kafka, kafka.GroupId);
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

    private sealed class StallingEnrichOrdersWithDatabase(StallGate gate, EnrichmentDbContext db) : IPipelineHandler<OrderPlaced>
    {
        public async ValueTask HandleAsync(OrderPlaced message, PipelineContext context, CancellationToken cancellationToken)
        {
            await gate.PassAsync(cancellationToken);
            await new EnrichOrdersWithDatabase(db).HandleAsync(message, context, cancellationToken);
        }
    }
}
