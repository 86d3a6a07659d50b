using Outbox.Messaging;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Outbox.EmbeddedKafka;
using Outbox.Inbox.Tests.Support;
using Outbox.Testing.Kafka;
using Xunit;

namespace Outbox.Inbox.Tests.EndToEnd;

/// <summary>The inbox host against the embedded broker and a real database.</summary>
public sealed class InboxEndToEndTests
{
    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Messages_reach_typed_and_polymorphic_handlers_once_each(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        await using var database = await TestDatabase.CreateAsync(provider);
        using var producer = new OrderProducer(broker.BootstrapServers);
        var sent = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            OrderEvent message = (i % 3) switch
            {
                0 => new OrderPlaced { OrderId = $"order-{i % 10}", Sequence = i, Amount = i },
                1 => new OrderShipped { OrderId = $"order-{i % 10}", Sequence = i, Carrier = "DHL" },
                _ => new OrderCancelled { OrderId = $"order-{i % 10}", Sequence = i },
            };
            sent.Add(await producer.SendAsync(message));
        }

        var probe = new HandlerProbe();
        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe))
        {
            await Eventually.Until(() => CountShipments(database), n => n == 30, "30 shipments");
        }

        await using var db = database.NewContext();
        var shipments = await db.Shipments.ToListAsync(ct);
        Assert.Equal(sent.Order(), shipments.Select(s => s.EventId).Order());
        Assert.Equal(10, shipments.Count(s => s.Kind == "shop.order-placed"));
        Assert.Equal(10, shipments.Count(s => s.Kind == "shop.order-shipped"));
        Assert.Equal(10, shipments.Count(s => s.Kind == "shop.order-cancelled"));
        var typed = probe.Calls.Where(c => c.Handler == nameof(OrderPlacedHandler)).ToList();
        Assert.Equal(10, typed.Count);
        Assert.All(typed, c => Assert.IsType<OrderPlaced>(c.Message));
        foreach (var order in shipments.GroupBy(s => s.OrderId))
        {
            var handled = probe.Calls.Where(c => c.Handler == nameof(ShipmentHandler) && c.Message.OrderId == order.Key).Select(c => c.Message.Sequence).ToList();
            Assert.Equal(handled.Order(), handled);
        }
    }

    [Fact]
    public async Task Unknown_types_and_bad_json_are_dead_lettered_with_reasons_while_other_records_flow()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        await using var database = await TestDatabase.SqliteAsync();
        using var producer = new OrderProducer(broker.BootstrapServers);
        var unknownId = Guid.CreateVersion7();
        var badJsonId = Guid.CreateVersion7();
        await producer.SendRawAsync("orders", "order-u", OrderProducer.Envelope(unknownId, "shop.order-teleported"), "{}"u8.ToArray());
        await producer.SendRawAsync("orders", "order-b", OrderProducer.Envelope(badJsonId, "shop.order-placed"), "{\"orderId\":"u8.ToArray());
        await producer.SendRawAsync("orders", "order-m", [], "{}"u8.ToArray());
        var good = await producer.SendAsync(new OrderPlaced { OrderId = "order-g" });

        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, new HandlerProbe()))
        {
            await Eventually.Until(() => CountShipments(database), n => n == 1, "the good record handled");
            var deadLetters = await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, "orders.dlt", 3);
            var reasons = deadLetters.ToDictionary(r => Encoding.UTF8.GetString(r.Message.Key!), r => TopicReader.Header(r, DeadLetterHeaders.Reason));
            Assert.Equal("unknown message type 'shop.order-teleported'", reasons["order-u"]);
            Assert.Equal("payload could not be deserialized as 'shop.order-placed'", reasons["order-b"]);
            Assert.Equal("missing or invalid ce_id header: the header is absent", reasons["order-m"]);
            var badJson = deadLetters.Single(r => Encoding.UTF8.GetString(r.Message.Key!) == "order-b");
            Assert.Equal("0", TopicReader.Header(badJson, DeadLetterHeaders.Attempts));
            Assert.Equal("System.Text.Json.JsonException", TopicReader.Header(badJson, DeadLetterHeaders.ExceptionType));
            Assert.Equal("{\"orderId\":"u8.ToArray(), badJson.Message.Value);
        }

        await using var db = database.NewContext();
        Assert.Equal(good, (await db.Shipments.SingleAsync(ct)).EventId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_poison_record_is_dead_lettered_with_all_headers_and_parks_its_key_while_other_keys_flow_then_requeue_releases_in_order(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        await using var database = await TestDatabase.CreateAsync(provider);
        using var producer = new OrderProducer(broker.BootstrapServers);
        var probe = new HandlerProbe();
        probe.Poison("order-p");
        var poison = await producer.SendAsync(new OrderPlaced { OrderId = "order-p", Sequence = 1 });
        var parked2 = await producer.SendAsync(new OrderShipped { OrderId = "order-p", Sequence = 2 });
        var parked3 = await producer.SendAsync(new OrderCancelled { OrderId = "order-p", Sequence = 3 });
        for (var i = 0; i < 5; i++)
        {
            await producer.SendAsync(new OrderPlaced { OrderId = "order-q", Sequence = 10 + i });
        }

        await using var host = await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe);
        await Eventually.Until(() => CountShipments(database), n => n == 5, "order-q handled");
        var blocked = await Eventually.Until(() => host.Operations.ListBlockedKeysAsync(ct), b => b.Count == 1 && b[0].ParkedEvents == 2, "order-p blocked with 2 parked");
        Assert.Equal(("orders", "order-p", (Guid?)poison), (blocked[0].Topic, blocked[0].Key, blocked[0].FailedEventId));

        var deadLetters = await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, "orders.dlt", 3);
        var failed = deadLetters.Single(r => TopicReader.Header(r, Messaging.MessageHeaders.Id) == poison.ToString());
        Assert.Equal("handler failed after 3 attempts", TopicReader.Header(failed, DeadLetterHeaders.Reason));
        Assert.Equal("System.InvalidOperationException", TopicReader.Header(failed, DeadLetterHeaders.ExceptionType));
        Assert.Equal("Order order-p is poison.", TopicReader.Header(failed, DeadLetterHeaders.ExceptionMessage));
        Assert.Contains(nameof(HandlerProbe), TopicReader.Header(failed, DeadLetterHeaders.StackTrace));
        Assert.Equal("orders", TopicReader.Header(failed, DeadLetterHeaders.OriginalTopic));
        Assert.Equal("0", TopicReader.Header(failed, DeadLetterHeaders.OriginalOffset));
        Assert.False(string.IsNullOrEmpty(TopicReader.Header(failed, DeadLetterHeaders.OriginalPartition)));
        Assert.False(string.IsNullOrEmpty(TopicReader.Header(failed, DeadLetterHeaders.OriginalTimestamp)));
        Assert.False(string.IsNullOrEmpty(TopicReader.Header(failed, DeadLetterHeaders.FailedAt)));
        Assert.Equal("shipping", TopicReader.Header(failed, DeadLetterHeaders.ConsumerGroup));
        Assert.Equal("3", TopicReader.Header(failed, DeadLetterHeaders.Attempts));
        Assert.Equal("shop.order-placed", TopicReader.Header(failed, Messaging.MessageHeaders.Type));
        foreach (var parked in new[] { parked2, parked3 })
        {
            var copy = deadLetters.Single(r => TopicReader.Header(r, Messaging.MessageHeaders.Id) == parked.ToString());
            Assert.Equal($"blocked by earlier failure of event {poison}", TopicReader.Header(copy, DeadLetterHeaders.Reason));
        }

        Assert.DoesNotContain(probe.Calls, c => c.Message.Sequence is 2 or 3);

        probe.Cure("order-p");
        await host.Operations.RequeueAsync(poison, ct);
        await Eventually.Until(() => CountShipments(database), n => n == 8, "order-p and its parked events handled");
        await Eventually.Until(() => host.Operations.ListBlockedKeysAsync(ct), b => b.Count == 0, "order-p unblocked");

        var handled = probe.Calls.Where(c => c.Handler == nameof(ShipmentHandler) && c.Message.OrderId == "order-p").ToList();
        Assert.Equal([1L, 1L, 1L, 1L, 2L, 3L], handled.Select(c => c.Message.Sequence));
        await using var db = database.NewContext();
        Assert.Equal([poison, parked2, parked3], (await db.Shipments.Where(s => s.OrderId == "order-p").ToListAsync(ct)).OrderBy(s => s.Sequence).Select(s => s.EventId));
    }

    [Fact]
    public async Task Abandoning_a_poison_record_releases_its_parked_successors_in_order_and_never_handles_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        await using var database = await TestDatabase.SqliteAsync();
        using var producer = new OrderProducer(broker.BootstrapServers);
        var probe = new HandlerProbe();
        var poison = await producer.SendAsync(new OrderPlaced { OrderId = "order-p", Sequence = 1 });
        probe.PoisonEvent(poison);
        var successors = new List<Guid>();
        for (var i = 2; i <= 6; i++)
        {
            successors.Add(await producer.SendAsync(new OrderShipped { OrderId = "order-p", Sequence = i }));
        }

        await using var host = await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe);
        await Eventually.Until(() => host.Operations.ListBlockedKeysAsync(ct), b => b.Count == 1 && b[0].ParkedEvents == 5, "order-p blocked with 5 parked");

        await host.Operations.AbandonAsync(poison, ct);
        await Eventually.Until(() => CountShipments(database), n => n == 5, "the parked successors handled");
        await Eventually.Until(() => host.Operations.ListBlockedKeysAsync(ct), b => b.Count == 0, "order-p unblocked");

        // A later event of the key flows directly again.
        await producer.SendAsync(new OrderShipped { OrderId = "order-p", Sequence = 7 });
        await Eventually.Until(() => CountShipments(database), n => n == 6, "the later event handled");

        var handled = probe.Calls.Where(c => c.Handler == nameof(ShipmentHandler) && c.Message.Sequence > 1).Select(c => c.Message.Sequence);
        Assert.Equal([2L, 3L, 4L, 5L, 6L, 7L], handled);
        await using var db = database.NewContext();
        Assert.DoesNotContain(poison, await db.Shipments.Select(s => s.EventId).ToListAsync(ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Operations.AbandonAsync(poison, ct));
    }

    [Fact]
    public async Task Transient_failures_are_retried_in_place_and_a_redelivered_event_id_has_no_second_effect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        await using var database = await TestDatabase.SqliteAsync();
        using var producer = new OrderProducer(broker.BootstrapServers);
        var probe = new HandlerProbe();
        probe.FailTimes("order-t", 2);
        var id = await producer.SendAsync(new OrderPlaced { OrderId = "order-t", Sequence = 1 });
        await producer.SendAsync(new OrderPlaced { OrderId = "order-t", Sequence = 1 }, eventId: id);
        await producer.SendAsync(new OrderPlaced { OrderId = "order-t", Sequence = 2 });

        await using (await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe))
        {
            await Eventually.Until(() => CountShipments(database), n => n == 2, "two distinct events handled");
            await Eventually.Until(() => Task.FromResult(probe.Calls.Count(c => c.Handler == nameof(ShipmentHandler))), n => n == 4, "3 attempts and 1 success");
        }

        var attempts = probe.Calls.Where(c => c.Handler == nameof(ShipmentHandler)).Select(c => (c.Message.Sequence, c.Context.Attempt));
        Assert.Equal([(1L, 1), (1L, 2), (1L, 3), (2L, 1)], attempts);
        Assert.Empty(await new InboxOperationsProbe(database).BlockedAsync());
    }

    [Fact]
    public async Task A_copy_redelivered_to_another_consumer_group_is_skipped_and_one_redelivered_to_this_group_is_handled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        await using var database = await TestDatabase.SqliteAsync();
        using var producer = new OrderProducer(broker.BootstrapServers);
        var probe = new HandlerProbe();

        // One key, so the records are handled in this order and the last one handled means the others were decided.
        await producer.SendAsync(new OrderPlaced { OrderId = "order-r", Sequence = 1 }, redeliveredTo: "billing");
        var ours = await producer.SendAsync(new OrderPlaced { OrderId = "order-r", Sequence = 2 }, redeliveredTo: "shipping");
        var plain = await producer.SendAsync(new OrderPlaced { OrderId = "order-r", Sequence = 3 });

        await using var host = await InboxTestHost.StartAsync(broker.BootstrapServers, database, probe);
        await Eventually.Until(() => CountShipments(database), n => n == 2, "the two records for this group handled");

        await using var db = database.NewContext();
        Assert.Equal([ours, plain], (await db.Shipments.OrderBy(s => s.Sequence).ToListAsync(ct)).Select(s => s.EventId));
        Assert.DoesNotContain(probe.Calls, c => c.Message.Sequence == 1);
    }

    internal static async Task<int> CountShipments(TestDatabase database)
    {
        await using var db = database.NewContext();
        return await db.Shipments.CountAsync();
    }

    private sealed class InboxOperationsProbe(TestDatabase database)
    {
        public async Task<List<string>> BlockedAsync()
        {
            await using var db = database.NewContext();
            return await db.Set<Internal.Storage.BlockedKey>().Select(b => b.Key).ToListAsync();
        }
    }
}
