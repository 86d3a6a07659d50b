using System.Text;
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

        // The input is released in stages, one per kill, so the pipeline can never run ahead of the kills however
        // fast the machine is. Within a stage the kill point comes from a fixed seed: the process commits a random
        // share of the stage, then is killed a few milliseconds later, anywhere in its cycle of handling,
        // producing and committing.
        var random = new Random(20261126);
        var stage = Inputs / (Kills + 1);
        var produced = 0;
        var kills = 0;
        var log = new StringBuilder();
        var process = PipelineProcess.Start(broker.BootstrapServers, kafka.GroupId, "crashing", log);
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

                // The same instance id, so the restarted process's InitTransactions aborts what the killed one left open.
                process = PipelineProcess.Start(broker.BootstrapServers, kafka.GroupId, "crashing", log);
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
        kafka.AssertExactlyOnceInKeyOrder();
    }
}
