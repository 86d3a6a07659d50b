using Microsoft.EntityFrameworkCore;
using Outbox.Inbox;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Fulfilment;

/// <summary>
/// Ships each placed order. The shipment row commits in the inbox's transaction, together with the record that
/// this event was handled, so a redelivered event finds that record and is skipped instead of shipping twice.
/// </summary>
public sealed class ShipOrder(ShopContext shop) : IMessageHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        var customer = await shop.Customers.SingleAsync(c => c.Id == message.Customer, cancellationToken);

        // Retries cannot help until someone adds the address: after MaxAttempts the event is dead-lettered, and the
        // order's later events wait for an operator to requeue or abandon it.
        var address = customer.ShippingAddress
            ?? throw new InvalidOperationException($"Customer '{customer.Id}' has no shipping address.");
        shop.Shipments.Add(new Shipment { OrderId = message.OrderId, ShipTo = $"{customer.Name}, {address}" });
    }
}
