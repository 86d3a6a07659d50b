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
        kafka.ProduceInputs(Inputs, keys: 100);

        // Kill points from a fixed seed: each process commits a random amount of work of its own, then is killed a
        // random few milliseconds later, so kills land anywhere in the cycle of handling, producing and committing.
        var random = new Random(20261126);
        var kills = 0;
        var log = new StringBuilder();
        var process = PipelineProcess.Start(broker.BootstrapServers, kafka.GroupId, "crashing", log);
        try
        {
            while (kills < Kills)
            {
                var target = Math.Min(Inputs, kafka.CommittedInputs() + random.Next(50, 1000));
                await kafka.WaitForCommittedAsync(target, TimeSpan.FromSeconds(120), ct);
                if (target == Inputs)
                {
                    break;
                }

                await Task.Delay(random.Next(0, 100), ct);
                await process.KillAsync(ct);
                process.Dispose();
                kills++;

                // The same instance id, so the restarted process's InitTransactions aborts what the killed one left open.
                process = PipelineProcess.Start(broker.BootstrapServers, kafka.GroupId, "crashing", log);
            }

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

        Assert.True(kills >= Kills / 2, $"Only {kills} kills happened before the input was done; the test lost its point.");
        kafka.AssertExactlyOnceInKeyOrder();
    }
}
