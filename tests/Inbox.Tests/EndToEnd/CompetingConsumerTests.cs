using Microsoft.EntityFrameworkCore;
using Outbox.EmbeddedKafka;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.EndToEnd;

/// <summary>Several consumers of one group, in one process and in several, and rebalances while records run.</summary>
public sealed class CompetingConsumerTests
{
    [Fact]
    public async Task Consumers_in_two_hosts_and_several_per_host_share_the_partitions_and_handle_every_record_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 6 }, cancellationToken: ct);
        await using var database = await TestDatabase.PostgresAsync();
        using var producer = new OrderProducer(broker.BootstrapServers);
        var sent = new List<Guid>();
        for (var i = 0; i < 600; i++)
        {
            sent.Add(await producer.SendAsync(new OrderPlaced { OrderId = $"order-{i % 97}", Sequence = i }));
        }

        var probe = new HandlerProbe();
        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, o => o.ConsumersPerHost = 3))
        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, o => o.ConsumersPerHost = 2))
        {
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n >= 600, "600 shipments");
        }

        await using var db = database.NewContext();
        var handled = await db.Shipments.Select(s => s.EventId).ToListAsync(ct);
        Assert.Equal(sent.Order(), handled.Order());
        AssertKeyOrder(probe);
    }

    [Fact]
    public async Task A_rebalance_while_records_are_in_flight_loses_and_duplicates_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 6 }, cancellationToken: ct);
        await using var database = await TestDatabase.PostgresAsync();
        using var producer = new OrderProducer(broker.BootstrapServers);
        var sent = new List<Guid>();
        for (var i = 0; i < 400; i++)
        {
            sent.Add(await producer.SendAsync(new OrderPlaced { OrderId = $"order-{i % 40}", Sequence = i }));
        }

        // Slow handlers keep records in flight when the second host joins and the first must give partitions up.
        var probe = new HandlerProbe { BeforeHandle = (_, _, token) => Task.Delay(15, token) };
        await using (var first = await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, o => o.MaxDegreeOfParallelism = 8))
        {
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n >= 60, "the first host under way");
            await using var second = await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe, o => o.MaxDegreeOfParallelism = 8);
            await Eventually.Until(() => InboxEndToEndTests.CountShipments(database), n => n >= 400, "400 shipments");
        }

        await using var db = database.NewContext();
        var handled = await db.Shipments.Select(s => s.EventId).ToListAsync(ct);
        Assert.Equal(sent.Order(), handled.Order());

        // Revocation drains and commits before releasing, so the new owner never re-ran a finished record.
        Assert.Equal(400, probe.Calls.Count(c => c.Handler == nameof(ShipmentHandler)));
        AssertKeyOrder(probe);
    }

    private static void AssertKeyOrder(HandlerProbe probe)
    {
        foreach (var order in probe.Calls.Where(c => c.Handler == nameof(ShipmentHandler)).GroupBy(c => c.Message.OrderId))
        {
            var sequences = order.Select(c => c.Message.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }
}
