using Outbox.Messaging;

namespace Outbox.Samples.Demo.Messages;

/// <summary>A customer placed an order; fulfilment ships it.</summary>
[MessageType("orders.order-placed")]
public sealed record OrderPlaced(string OrderId, string Customer, decimal Total);
