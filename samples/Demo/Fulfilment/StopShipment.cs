using Outbox.Inbox;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Fulfilment;

/// <summary>Stops the shipment of a cancelled order. Per-order sequence guarantees the shipment, if any, was created first.</summary>
public sealed class StopShipment(ShopContext shop) : IMessageHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await shop.Shipments.FindAsync([message.OrderId], cancellationToken) is { } shipment)
        {
            shipment.Stopped = true;
        }
    }
}
