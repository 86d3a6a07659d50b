using Microsoft.EntityFrameworkCore;
using Outbox.EmbeddedKafka;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.EndToEnd;

/// <summary>Fetching pauses whenever a partition holds too many unfinished records, and resumes without losing any.</summary>
public sealed class FlowControlTests
{
    [Fact]
    public async Task A_partition_paused_and_resumed_many_times_delivers_every_record_once_in_key_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 1 }, cancellationToken: ct);
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var producer = new OrderProducer(broker.BootstrapServers);
        var sent = new List<Guid>();
        for (var i = 0; i < 100; i++)
        {
            sent.Add(await producer.SendAsync(new OrderShipped { OrderId = $"order-{i % 10}", Sequence = i, Carrier = "DHL" }));
        }

        var probe = new HandlerProbe();
        // Four buffered records per partition against 100 waiting: fetching pauses and resumes dozens of times.
        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, o =>
        {
            o.MaxBufferedRecordsPerPartition = 4;
            o.MaxDegreeOfParallelism = 8;
        }))
        {
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n == 100, "100 shipments");
        }

        await using var db = database.NewContext();
        var shipments = await db.Shipments.ToListAsync(ct);
        Assert.Equal(sent.Order(), shipments.Select(s => s.EventId).Order());
        foreach (var order in probe.Calls.GroupBy(c => c.Message.OrderId))
        {
            var handled = order.Select(c => c.Message.Sequence).ToList();
            Assert.Equal(handled.Order(), handled);
        }
    }
}
