using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Samples.Demo.Messages;

namespace Outbox.Samples.Demo.Shop;

/// <summary>The shop's own code: each change and the events that describe it are saved in one database transaction.</summary>
public static class Checkout
{
    /// <summary>Saves the order with its <see cref="OrderPlaced"/> and <see cref="PaymentCaptured"/> events: all three commit, or none does.</summary>
    public static async Task PlaceOrderAsync(IServiceProvider services, Order order, CancellationToken cancellationToken)
    {
        // The checkout's trace travels with the events as their traceparent header.
        using var checkout = new System.Diagnostics.Activity("checkout").Start();
        await using var scope = services.CreateAsyncScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
        shop.Orders.Add(order);
        var options = new OutboxMessageOptions { CorrelationId = $"checkout-{order.Id}" };
        outbox.Add(new OrderPlaced(order.Id, order.CustomerId, order.Total), key: order.Id, options);
        outbox.Add(new PaymentCaptured(order.Id, order.Total), key: order.Id, options);
        await shop.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Marks the order cancelled and publishes <see cref="OrderCancelled"/>, in one transaction.</summary>
    public static async Task CancelOrderAsync(IServiceProvider services, string orderId, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
        var order = await shop.Orders.SingleAsync(o => o.Id == orderId, cancellationToken);
        order.Cancelled = true;
        outbox.Add(new OrderCancelled(orderId), key: orderId);
        await shop.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Publishes an order's invoice; the relay claim-checks it when it is over the threshold.</summary>
    public static async Task IssueInvoiceAsync(IServiceProvider services, InvoiceIssued invoice, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        scope.ServiceProvider.GetRequiredService<IOutbox>().Add(invoice, key: invoice.OrderId);
        await shop.SaveChangesAsync(cancellationToken);
    }
}
