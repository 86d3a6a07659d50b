using Outbox.Messaging;

namespace Outbox.Inbox.Tests.Support;

/// <summary>The base of the order events; a handler of it receives every derived event.</summary>
public abstract class OrderEvent
{
    public required string OrderId { get; init; }

    public long Sequence { get; init; }
}

[MessageType("shop.order-placed")]
public sealed class OrderPlaced : OrderEvent
{
    public decimal Amount { get; init; }
}

[MessageType("shop.order-shipped")]
public sealed class OrderShipped : OrderEvent
{
    public string? Carrier { get; init; }
}

[MessageType("shop.order-cancelled")]
public sealed class OrderCancelled : OrderEvent;
