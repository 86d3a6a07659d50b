using Outbox.Messaging;

namespace Outbox.Samples.Demo;

/// <summary>The event the shop publishes; its stable name is also its topic.</summary>
[MessageType("orders.order-placed")]
public sealed record OrderPlaced(string OrderId, string Customer, decimal Total);
