using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Inbox;
using Outbox.Messaging;
using Outbox.Samples.Demo.Kafka;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>
/// A poison message is dead-lettered with its reason, and its order's later events are parked behind it until an
/// operator fixes the cause and requeues it (or abandons it with <see cref="InboxOperations.AbandonAsync"/>).
/// </summary>
public static class DeadLetterStep
{
    public static async Task RunAsync(DemoEnvironment demo, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("3. Dead letters: a poison message goes to the dead-letter topic with its reason; its order's later events wait");
        await Checkout.PlaceOrderAsync(demo.Services, new Order { Id = "order-1004", CustomerId = "linus", Total = 64.00m }, cancellationToken);
        Console.WriteLine("   shop: placed order-1004 for linus, who has no shipping address");

        var deadLetter = (await TopicReader.ReadAsync(demo.BootstrapServers, Topics.OrdersDeadLetters, 1, cancellationToken)).Single();
        Console.WriteLine($"   {deadLetter.TopicPartitionOffset.Text()}  key={deadLetter.Message.Key}  {deadLetter.Header(MessageHeaders.Type)}");
        string[] shown = [DeadLetterHeaders.Reason, DeadLetterHeaders.ExceptionType, DeadLetterHeaders.ExceptionMessage];
        foreach (var name in shown)
        {
            Console.WriteLine($"     {name}: {deadLetter.Header(name)}");
        }

        var more = deadLetter.Message.Headers.Select(h => h.Key).Where(k => k.StartsWith(DeadLetterHeaders.Prefix, StringComparison.Ordinal) && !shown.Contains(k));
        Console.WriteLine($"     and {string.Join(", ", more)}");

        await Checkout.CancelOrderAsync(demo.Services, "order-1004", cancellationToken);
        Console.WriteLine("   shop: cancelled order-1004");
        var operations = demo.Services.GetRequiredService<InboxOperations>();
        var blocked = (await Eventually.UntilAsync(() => operations.ListBlockedKeysAsync(cancellationToken), keys => keys.Any(k => k.ParkedEvents == 1), cancellationToken)).Single();
        Console.WriteLine($"   blocked: {blocked.Topic}/{blocked.Key} by event {blocked.FailedEventId}, {blocked.ParkedEvents} later event parked behind it");

        await GiveShippingAddressAsync(demo.Services, "linus", "1 Helsinki Road, Portland", cancellationToken);
        var requeued = await operations.RequeueAsync(blocked.FailedEventId!.Value, cancellationToken);
        Console.WriteLine($"   operator: gave linus a shipping address, then requeued the failed event as {requeued.Text()}");

        await Eventually.UntilAsync(() => operations.ListBlockedKeysAsync(cancellationToken), keys => keys.Count == 0, cancellationToken);
        var shipment = await Eventually.UntilAsync(() => ShipmentOfAsync(demo.Services, "order-1004", cancellationToken), s => s is { Stopped: true }, cancellationToken);
        Console.WriteLine($"   fulfilment: order-1004 shipped to {shipment!.ShipTo}, then stopped by the released cancellation, in order");
    }

    private static async Task GiveShippingAddressAsync(IServiceProvider services, string customerId, string address, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        (await shop.Customers.SingleAsync(c => c.Id == customerId, cancellationToken)).ShippingAddress = address;
        await shop.SaveChangesAsync(cancellationToken);
    }

    private static async Task<Shipment?> ShipmentOfAsync(IServiceProvider services, string orderId, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ShopContext>().Shipments.AsNoTracking().SingleOrDefaultAsync(s => s.OrderId == orderId, cancellationToken);
    }
}
