using Outbox.EmbeddedKafka;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.EndToEnd;

public sealed class CrashRecoveryTests
{
    private const int Inputs = 10_000;
    private const int Kills = 8;

    [Fact]
    public async Task A_pipeline_killed_with_SIGKILL_at_random_points_and_restarted_outputs_every_input_exactly_once_in_key_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, "crash-recovery");
        await kafka.CreateTopicsAsync();
        var inputs = kafka.PrepareInputs(Inputs, keys: 100);

        await StagedKills.RunAsync(broker.BootstrapServers, kafka, inputs, Kills, seed: 20261126, database: null, ct);

        kafka.AssertExactlyOnceInKeyOrder();
    }
}
