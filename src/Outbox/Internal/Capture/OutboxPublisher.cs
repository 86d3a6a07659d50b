using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Outbox.Internal.Capture;

/// <summary>The scoped <see cref="IOutbox"/>: queues messages on the scope's <typeparamref name="TDbContext"/>.</summary>
internal sealed class OutboxPublisher<TDbContext>(TDbContext context, OutboxMessageFactory factory) : IOutbox
    where TDbContext : DbContext
{
    public void Add<TMessage>(TMessage message, string key, OutboxMessageOptions? options = null)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(key);
        OutboxContextState state;
        try
        {
            state = context.GetService<OutboxContextState>();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(
                $"{typeof(TDbContext).Name} is not set up for the outbox: register it with services.AddOutbox<{typeof(TDbContext).Name}>() or call UseOutbox() on its options.", e);
        }

        state.Add(factory.Create(message, message.GetType(), key, options));
    }
}
