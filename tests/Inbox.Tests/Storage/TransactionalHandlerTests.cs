using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Inbox.Internal.Handlers;
using Outbox.Inbox.Internal.Pipeline.Dedupe;
using Outbox.Inbox.Internal.Pipeline.Deserialize;
using Outbox.Inbox.Internal.Storage;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.Storage;

/// <summary>Exactly-once effects and the block list, against each database the inbox supports.</summary>
public sealed class TransactionalHandlerTests
{
    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_handler_effect_and_the_inbox_row_commit_together(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var probe = new HandlerProbe();
        await using var services = InboxServices.Build(database, probe);
        var decoded = Placed("order-1", offset: 0);

        var result = await Handler(services).HandleAsync(decoded, 1, Handlers(services, decoded), TestContext.Current.CancellationToken);

        Assert.Equal(HandlingOutcome.Handled, result.Outcome);
        await using var db = database.NewContext();
        var shipment = Assert.Single(await db.Shipments.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(decoded.EventId, shipment.EventId);
        var row = Assert.Single(await db.Set<ProcessedEvent>().ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(("shipping", decoded.EventId, false), (row.ConsumerGroup, row.EventId, row.Abandoned));
        Assert.Equal(["ShipmentHandler", "OrderPlacedHandler"], probe.Calls.Select(c => c.Handler));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_redelivered_event_id_has_no_second_effect(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var probe = new HandlerProbe();
        await using var services = InboxServices.Build(database, probe);
        var first = Placed("order-1", offset: 0);
        var redelivered = first with { Record = Records.At(7, "order-1", headers: first.Record.Headers) };
        var ct = TestContext.Current.CancellationToken;

        await Handler(services).HandleAsync(first, 1, Handlers(services, first), ct);
        var result = await Handler(services).HandleAsync(redelivered, 1, Handlers(services, redelivered), ct);

        Assert.Equal(HandlingOutcome.Duplicate, result.Outcome);
        await using var db = database.NewContext();
        Assert.Single(await db.Shipments.ToListAsync(ct));
        Assert.Equal(2, probe.Calls.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_failing_handler_leaves_neither_its_changes_nor_an_inbox_row(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var probe = new HandlerProbe();
        probe.Poison("order-1");
        await using var services = InboxServices.Build(database, probe);
        var decoded = Placed("order-1", offset: 0);
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Handler(services).HandleAsync(decoded, 1, Handlers(services, decoded), ct));

        await using var db = database.NewContext();
        Assert.Empty(await db.Shipments.ToListAsync(ct));
        Assert.Empty(await db.Set<ProcessedEvent>().ToListAsync(ct));
        Assert.False(await Handler(services).IsProcessedAsync(decoded.EventId, ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Two_owners_handling_the_same_event_at_once_take_effect_once(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var probe = new HandlerProbe();
        await using var services = InboxServices.Build(database, probe);
        var decoded = Placed("order-1", offset: 0);
        var ct = TestContext.Current.CancellationToken;

        var attempts = Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                return (await Handler(services).HandleAsync(decoded, 1, Handlers(services, decoded), ct)).Outcome;
            }
            catch (DbUpdateException)
            {
                // The primary key turned the loser's commit away; the pipeline counts this as a duplicate.
                Assert.True(await Handler(services).IsProcessedAsync(decoded.EventId, ct));
                return HandlingOutcome.Duplicate;
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(o => o == HandlingOutcome.Handled));
        await using var db = database.NewContext();
        Assert.Single(await db.Shipments.ToListAsync(ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_blocked_key_parks_later_events_until_the_requeued_failure_succeeds_then_releases_them(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var probe = new HandlerProbe();
        await using var services = InboxServices.Build(database, probe);
        var blocks = services.GetRequiredService<BlockStore>();
        var ct = TestContext.Current.CancellationToken;
        var failed = Placed("order-1", offset: 0);
        var later = Placed("order-1", offset: 1);
        var other = Placed("order-2", offset: 2);

        Assert.Equal(BlockOutcome.Blocked, await blocks.BlockAsync(failed.Record.TopicPartitionOffset, "order-1", failed.EventId, Dlt(0), ct));

        var laterResult = await Handle(services, later);
        Assert.Equal(new HandlingResult(HandlingOutcome.Blocked, failed.EventId), laterResult);
        Assert.False(await blocks.ParkAsync(later.Record.TopicPartitionOffset, "order-1", later.EventId, Dlt(1), ct));
        Assert.Equal(HandlingOutcome.AlreadyParked, (await Handle(services, later)).Outcome);
        Assert.Equal(HandlingOutcome.Handled, (await Handle(services, other)).Outcome);

        var blocked = Assert.Single(await blocks.ListAsync(ct));
        Assert.Equal(("orders", "order-1", (Guid?)failed.EventId, 1), (blocked.Topic, blocked.Key, blocked.FailedEventId, blocked.ParkedEvents));

        // The requeued failure succeeds: the key starts releasing its parked event.
        Assert.Equal(HandlingOutcome.HandledThenRelease, (await Handle(services, failed)).Outcome);
        Assert.Equal([later.EventId], (await blocks.ListUnreleasedAsync("orders", "order-1", ct)).Select(p => p.EventId));

        // A new event arriving before the released one is parked behind it.
        var newer = Placed("order-1", offset: 3);
        Assert.Equal(new HandlingResult(HandlingOutcome.Blocked, null), await Handle(services, newer));
        Assert.True(await blocks.ParkAsync(newer.Record.TopicPartitionOffset, "order-1", newer.EventId, Dlt(2), ct));

        // A released copy can arrive before the releaser marks it released; its new position tells it apart.
        await blocks.MarkReleasedAsync(newer.EventId, ct);
        Assert.Equal(HandlingOutcome.HandledThenRelease, (await Handle(services, later with { Record = Records.At(10, "order-1", headers: later.Record.Headers) })).Outcome);
        Assert.Equal(HandlingOutcome.Handled, (await Handle(services, newer with { Record = Records.At(11, "order-1", headers: newer.Record.Headers) })).Outcome);
        Assert.Empty(await blocks.ListAsync(ct));

        await using var db = database.NewContext();
        Assert.Equal(4, await db.Shipments.CountAsync(ct));
        Assert.Equal([0L, 1L, 3L], probe.Calls.Where(c => c.Handler == nameof(ShipmentHandler) && c.Message.OrderId == "order-1").Select(c => c.Message.Sequence));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Abandoning_records_the_event_and_unblocks_its_key(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = InboxServices.Build(database, new HandlerProbe());
        var blocks = services.GetRequiredService<BlockStore>();
        var ct = TestContext.Current.CancellationToken;
        var failed = Placed("order-1", offset: 0);
        var alone = Placed("order-9", offset: 1);

        await blocks.BlockAsync(failed.Record.TopicPartitionOffset, "order-1", failed.EventId, Dlt(0), ct);
        await blocks.BlockAsync(alone.Record.TopicPartitionOffset, "order-9", alone.EventId, Dlt(1), ct);
        await blocks.ParkAsync(new Confluent.Kafka.TopicPartitionOffset("orders", 0, 5), "order-1", Guid.CreateVersion7(), Dlt(2), ct);

        var abandoned = await blocks.AbandonAsync(failed.EventId, ct);
        Assert.True(abandoned!.Value.Release);
        Assert.False((await blocks.AbandonAsync(alone.EventId, ct))!.Value.Release);
        Assert.Null(await blocks.AbandonAsync(Guid.CreateVersion7(), ct));

        Assert.Equal(HandlingOutcome.Duplicate, (await Handle(services, failed)).Outcome);
        var remaining = Assert.Single(await blocks.ListAsync(ct));
        Assert.Equal(("order-1", (Guid?)null, 1), (remaining.Key, remaining.FailedEventId, remaining.ParkedEvents));
    }

    private static DecodedRecord Placed(string orderId, long offset)
    {
        var eventId = Guid.CreateVersion7();
        var headers = new Headers { { Messaging.MessageHeaders.Id, System.Text.Encoding.UTF8.GetBytes(eventId.ToString()) } };
        return new DecodedRecord(Records.At(offset, orderId, headers: headers), eventId, "shop.order-placed", typeof(OrderPlaced), new OrderPlaced { OrderId = orderId, Sequence = offset });
    }

    private static TopicPartitionOffset Dlt(long offset) => new("orders.dlt", 0, offset);

    private static TransactionalHandler Handler(IServiceProvider services) => services.GetRequiredService<TransactionalHandler>();

    private static IReadOnlyList<HandlerInvoker> Handlers(IServiceProvider services, DecodedRecord decoded) =>
        services.GetRequiredService<HandlerCatalog>().For(decoded.MessageType);

    private static Task<HandlingResult> Handle(IServiceProvider services, DecodedRecord decoded) =>
        Handler(services).HandleAsync(decoded, 1, Handlers(services, decoded), TestContext.Current.CancellationToken);
}
