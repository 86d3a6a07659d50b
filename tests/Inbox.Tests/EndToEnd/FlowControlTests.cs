using Microsoft.EntityFrameworkCore;
using Outbox.EmbeddedKafka;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.EndToEnd;

/// <summary>Fetching pauses whenever a partition holds too many unfinished records or bytes, and resumes without losing any.</summary>
public sealed class FlowControlTests
{
    [Fact]
    public async Task A_partition_paused_and_resumed_many_times_delivers_every_record_once_in_key_order()
    {
        // Four buffered records per partition against 100 waiting: fetching pauses and resumes dozens of times, and
        // no more than four records are ever handled at once although eight slots are free.
        var running = await RunAsync(records: 100, o =>
        {
            o.MaxBufferedRecordsPerPartition = 4;
            o.MaxDegreeOfParallelism = 8;
        });

        Assert.InRange(running, 1, 4);
    }

    [Fact]
    public async Task A_byte_bound_smaller_than_one_record_lets_one_record_in_at_a_time()
    {
        var running = await RunAsync(records: 20, o =>
        {
            o.MaxBufferedBytesPerPartition = 2;
            o.MaxDegreeOfParallelism = 8;
        });

        Assert.Equal(1, running);
    }

    /// <summary>Sends <paramref name="records"/> orders of ten keys, waits until all are handled and checks each was handled once, in key order; returns the most handled at once.</summary>
    private static async Task<int> RunAsync(int records, Action<InboxOptions> configure)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 1 }, cancellationToken: ct);
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var producer = new OrderProducer(broker.BootstrapServers);
        var sent = new List<Guid>();
        for (var i = 0; i < records; i++)
        {
            sent.Add(await producer.SendAsync(new OrderShipped { OrderId = $"order-{i % 10}", Sequence = i, Carrier = "DHL" }));
        }

        var (running, maxRunning) = (0, 0);
        var probe = new HandlerProbe();
        probe.BeforeHandle = async (_, _, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref running);
            int max;
            while ((max = Volatile.Read(ref maxRunning)) < now && Interlocked.CompareExchange(ref maxRunning, now, max) != max)
            {
            }

            // A handler that takes a moment, so records that may run at once do overlap.
            await Task.Delay(5, cancellationToken);
            Interlocked.Decrement(ref running);
        };
        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, configure))
        {
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n == records, $"{records} shipments");
        }

        await using var db = database.NewContext();
        var shipments = await db.Shipments.ToListAsync(ct);
        Assert.Equal(sent.Order(), shipments.Select(s => s.EventId).Order());
        foreach (var order in probe.Calls.GroupBy(c => c.Message.OrderId))
        {
            var handled = order.Select(c => c.Message.Sequence).ToList();
            Assert.Equal(handled.Order(), handled);
        }

        return maxRunning;
    }
}
