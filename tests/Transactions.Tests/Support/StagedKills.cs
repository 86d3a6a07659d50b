using System.Text;
using Confluent.Kafka;

namespace Outbox.Transactions.Tests.Support;

/// <summary>
/// Runs a pipeline in a child process over inputs released in stages, one per kill, so the pipeline can never run
/// ahead of the kills however fast the machine is. Within a stage the kill point comes from a fixed seed: the process
/// commits a random share of the stage, then is killed with SIGKILL a few milliseconds later, anywhere in its cycle of
/// handling, producing and committing. The restarted process keeps the instance id, so its InitTransactions aborts
/// what the killed one left open. Returns the processes' output.
/// </summary>
internal static class StagedKills
{
    public static async Task<string> RunAsync(
        string bootstrapServers, PipelineKafka kafka, List<Message<byte[]?, byte[]?>> inputs, int kills, int seed, EnrichmentDatabase? database, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var stage = inputs.Count / (kills + 1);
        var produced = 0;
        var killed = 0;
        var log = new StringBuilder();
        var process = PipelineProcess.Start(bootstrapServers, kafka.GroupId, "crashing", log, database);
        try
        {
            while (killed < kills)
            {
                var target = produced + random.Next(stage / 10, stage * 9 / 10);
                kafka.Produce(inputs, produced, produced + stage);
                produced += stage;
                await kafka.WaitForCommittedAsync(target, TimeSpan.FromSeconds(120), cancellationToken);
                await Task.Delay(random.Next(0, 20), cancellationToken);
                await process.KillAsync(cancellationToken);
                process.Dispose();
                killed++;
                process = PipelineProcess.Start(bootstrapServers, kafka.GroupId, "crashing", log, database);
            }

            kafka.Produce(inputs, produced, inputs.Count);
            await kafka.WaitForCommittedAsync(inputs.Count, TimeSpan.FromSeconds(180), cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException)
        {
            throw new TimeoutException($"{exception.Message}{Environment.NewLine}Pipeline process output:{Environment.NewLine}{log}", exception);
        }
        finally
        {
            process.Dispose();
        }

        return log.ToString();
    }
}
