using Outbox.Messaging;

namespace Outbox.Samples.Demo.Messages;

/// <summary>A customer cancelled an order; fulfilment stops its shipment.</summary>
[MessageType("orders.order-cancelled")]
public sealed record OrderCancelled(string OrderId);
