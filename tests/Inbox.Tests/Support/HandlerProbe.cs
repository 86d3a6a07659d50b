using System.Collections.Concurrent;

namespace Outbox.Inbox.Tests.Support;

/// <summary>What the test handlers saw, and how they should misbehave.</summary>
public sealed class HandlerProbe
{
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<string, bool> _poison = new();

    public ConcurrentQueue<(string Handler, OrderEvent Message, MessageContext Context)> Calls { get; } = new();

    /// <summary>Orders whose handling always throws.</summary>
    public void Poison(string orderId) => _poison[orderId] = true;

    /// <summary>One event whose handling always throws.</summary>
    public void PoisonEvent(Guid eventId) => _poison[eventId.ToString()] = true;

    public void Cure(string orderId) => _poison.TryRemove(orderId, out _);

    /// <summary>Orders whose handling throws the next <paramref name="times"/> attempts.</summary>
    public void FailTimes(string orderId, int times) => _failuresLeft[orderId] = times;

    /// <summary>Runs before every handler call; a test can block or delay handling here.</summary>
    public Func<OrderEvent, MessageContext, CancellationToken, Task>? BeforeHandle { get; set; }

    public async Task OnHandleAsync(string handler, OrderEvent message, MessageContext context, CancellationToken cancellationToken)
    {
        if (BeforeHandle is { } before)
        {
            await before(message, context, cancellationToken);
        }

        Calls.Enqueue((handler, message, context));
        if (_poison.ContainsKey(message.OrderId) || _poison.ContainsKey(context.EventId.ToString()))
        {
            throw new InvalidOperationException($"Order {message.OrderId} is poison.");
        }

        if (_failuresLeft.TryGetValue(message.OrderId, out var left) && left > 0)
        {
            _failuresLeft[message.OrderId] = left - 1;
            throw new TimeoutException($"Transient failure of order {message.OrderId}.");
        }
    }
}

/// <summary>Handles every order event (polymorphic): records a shipment row in the application's table.</summary>
public sealed class ShipmentHandler(ShopDbContext db, HandlerProbe probe) : IMessageHandler<OrderEvent>
{
    public async Task HandleAsync(OrderEvent message, MessageContext context, CancellationToken cancellationToken)
    {
        db.Shipments.Add(new Shipment { Id = Guid.NewGuid(), OrderId = message.OrderId, Kind = context.MessageType, EventId = context.EventId, Sequence = message.Sequence });
        await probe.OnHandleAsync(nameof(ShipmentHandler), message, context, cancellationToken);
    }
}

/// <summary>Handles only <see cref="OrderPlaced"/> (typed).</summary>
public sealed class OrderPlacedHandler(HandlerProbe probe) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) =>
        probe.OnHandleAsync(nameof(OrderPlacedHandler), message, context, cancellationToken);
}
