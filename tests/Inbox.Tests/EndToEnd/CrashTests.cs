using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Outbox.EmbeddedKafka;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.EndToEnd;

/// <summary>A consumer process killed with SIGKILL mid-handler: its successor finishes the work exactly once.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task A_consumer_killed_mid_handler_leaves_no_double_effect_and_no_lost_record()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        var connectionString = await TestDatabase.CreatePostgresDatabaseAsync();
        await using var database = await TestDatabase.PostgresOnAsync(connectionString);
        using var producer = new OrderProducer(broker.BootstrapServers);
        var sent = new List<Guid>();
        for (var i = 0; i < 1000; i++)
        {
            sent.Add(await producer.SendAsync(new OrderPlaced { OrderId = $"order-{i % 50}", Sequence = i }));
        }

        using (var child = await StartChildAsync(broker.BootstrapServers, connectionString))
        {
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n >= 150, "the child under way");
            child.Kill(); // SIGKILL: no drain, no commit, no LeaveGroup.
            await child.WaitForExitAsync(ct);
        }

        var handledBeforeCrash = await InboxEndToEndTests.CountShipments(database);
        Assert.InRange(handledBeforeCrash, 150, 999);

        var probe = new HandlerProbe();
        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, o =>
                     {
                         o.Kafka.Properties["session.timeout.ms"] = "3000";
                         o.Kafka.Properties["heartbeat.interval.ms"] = "300";
                     }))
        {
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n >= 1000, "1000 shipments", TimeSpan.FromSeconds(120));
        }

        await using var db = database.NewContext();
        var handled = await db.Shipments.Select(s => s.EventId).ToListAsync(ct);
        Assert.Equal(sent.Order(), handled.Order());
    }

    private static async Task<Process> StartChildAsync(string bootstrapServers, string connectionString)
    {
        var dll = Path.Combine(AppContext.BaseDirectory.Replace("Inbox.Tests", "Inbox.CrashHost", StringComparison.Ordinal), "Outbox.Inbox.CrashHost.dll");
        Assert.True(File.Exists(dll), $"The crash host was not built at {dll}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", dll, bootstrapServers, "postgres", connectionString })
        {
            start.ArgumentList.Add(argument);
        }

        var child = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                ready.TrySetResult();
            }
        };
        child.ErrorDataReceived += (_, e) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            child.Kill();
            Assert.Fail("The crash host did not print READY within 60 s.");
        }

        return child;
    }
}
