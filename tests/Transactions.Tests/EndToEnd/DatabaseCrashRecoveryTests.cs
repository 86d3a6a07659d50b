using Outbox.EmbeddedKafka;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.EndToEnd;

public sealed class DatabaseCrashRecoveryTests
{
    private const int Inputs = 2_000;
    private const int Kills = 5;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_pipeline_with_database_effects_killed_with_SIGKILL_and_restarted_has_each_effect_once_and_each_output_once(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await EnrichmentDatabase.CreateAsync(provider);
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, $"db-crash-{provider}");
        await kafka.CreateTopicsAsync();
        var inputs = kafka.PrepareInputs(Inputs, keys: 50);

        // A kill between a record's database commit and its batch's Kafka commit leaves an effect without its output,
        // which the restarted process must produce without applying the effect again.
        var log = await StagedKills.RunAsync(broker.BootstrapServers, kafka, inputs, Kills, seed: 20261127, database, ct);

        // Each kill lands while a batch is open: its records' database transactions committed, its Kafka one not.
        var replays = log.Split('\n').Count(line => line.Contains("were committed by an earlier attempt", StringComparison.Ordinal));
        Assert.True(replays > 0, $"No kill landed between a database commit and its Kafka commit.{Environment.NewLine}{log}");
        kafka.AssertExactlyOnceInKeyOrder();
        await database.AssertEffectsExactlyOnceAsync(kafka, kafka.GroupId);
    }
}
