using Outbox.EmbeddedKafka;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.EndToEnd;

public sealed class RebalanceTests
{
    private const int Inputs = 10_000;
    private const int AssignedEventId = 5014;

    [Fact]
    public async Task Instances_joining_and_leaving_the_group_under_load_output_every_input_exactly_once_in_key_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, "rebalance");
        await kafka.CreateTopicsAsync();

        // Inputs keep arriving for about twenty seconds, so every join and leave rebalances a group under load,
        // with transactions open when partitions are revoked.
        var load = kafka.ProduceInputsSteadilyAsync(Inputs, keys: 100, perTick: 50, TimeSpan.FromMilliseconds(100), ct);
        var (a, aLogs) = await StartAsync(kafka, "a");
        await WaitForAsync(() => Assignments(aLogs) >= 1 && kafka.CommittedInputs() >= 300, "a consumes", ct);

        var (b, bLogs) = await StartAsync(kafka, "b");
        await WaitForAsync(() => Assignments(bLogs) >= 1 && Assignments(aLogs) >= 2, "a and b share the partitions", ct);
        await WaitForProgressAsync(kafka, ct);

        await a.DisposeAsync();
        await WaitForAsync(() => Assignments(bLogs) >= 2, "b takes over a's partitions", ct);
        await WaitForProgressAsync(kafka, ct);

        var (c, cLogs) = await StartAsync(kafka, "c");
        await WaitForAsync(() => Assignments(cLogs) >= 1 && Assignments(bLogs) >= 3, "b and c share the partitions", ct);
        await WaitForProgressAsync(kafka, ct);
        Assert.False(load.IsCompleted, "The inputs were all produced before the last rebalance; the test lost its point.");

        await b.DisposeAsync();
        await using (c)
        {
            await load;
            await kafka.WaitForCommittedAsync(Inputs, TimeSpan.FromSeconds(120), ct);
        }

        kafka.AssertExactlyOnceInKeyOrder();
    }

    private static async Task<(PipelineInstance Instance, CapturingLoggerProvider Logs)> StartAsync(PipelineKafka kafka, string instanceId)
    {
        var logs = new CapturingLoggerProvider();
        var instance = await PipelineInstance.StartAsync(services => services.AddEnrichmentPipeline(kafka.BootstrapServers, kafka.GroupId, instanceId), logs);
        return (instance, logs);
    }

    private static int Assignments(CapturingLoggerProvider logs) => logs.Events.Count(e => e.EventId.Id == AssignedEventId);

    private static async Task WaitForProgressAsync(PipelineKafka kafka, CancellationToken cancellationToken) =>
        await kafka.WaitForCommittedAsync(Math.Min(Inputs, kafka.CommittedInputs() + 200), TimeSpan.FromSeconds(60), cancellationToken);

    private static async Task WaitForAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within 60 s: {what}.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
