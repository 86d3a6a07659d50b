using System.Text;
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

        // As in CrashRecoveryTests: the input comes in stages, one per kill, and each kill lands a few milliseconds
        // after a random share of its stage has committed, anywhere in the cycle of database transaction, produce and
        // Kafka commit. A kill between a record's database commit and its batch's Kafka commit leaves an effect
        // without its output, which the restarted process must produce without applying the effect again.
        var random = new Random(20261127);
        var stage = Inputs / (Kills + 1);
        var produced = 0;
        var kills = 0;
        var log = new StringBuilder();
        var process = PipelineProcess.Start(broker.BootstrapServers, kafka.GroupId, "crashing", log, database);
        try
        {
            while (kills < Kills)
            {
                var target = produced + random.Next(stage / 10, stage * 9 / 10);
                kafka.Produce(inputs, produced, produced + stage);
                produced += stage;
                await kafka.WaitForCommittedAsync(target, TimeSpan.FromSeconds(120), ct);
                await Task.Delay(random.Next(0, 20), ct);
                await process.KillAsync(ct);
                process.Dispose();
                kills++;
                process = PipelineProcess.Start(broker.BootstrapServers, kafka.GroupId, "crashing", log, database);
            }

            kafka.Produce(inputs, produced, Inputs);
            await kafka.WaitForCommittedAsync(Inputs, TimeSpan.FromSeconds(180), ct);
        }
        catch (Exception exception) when (exception is TimeoutException)
        {
            throw new TimeoutException($"{exception.Message}{Environment.NewLine}Pipeline process output:{Environment.NewLine}{log}", exception);
        }
        finally
        {
            process.Dispose();
        }

        Assert.Equal(Kills, kills);

        // Each kill lands while a batch is open: its records' database transactions committed, its Kafka one not.
        var replays = log.ToString().Split('\n').Count(line => line.Contains("were committed by an earlier attempt", StringComparison.Ordinal));
        Assert.True(replays > 0, $"No kill landed between a database commit and its Kafka commit.{Environment.NewLine}{log}");
        kafka.AssertExactlyOnceInKeyOrder();
        await database.AssertEffectsExactlyOnceAsync(kafka, kafka.GroupId);
    }
}
