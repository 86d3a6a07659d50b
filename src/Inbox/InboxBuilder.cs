using Microsoft.Extensions.DependencyInjection;
using Outbox.Inbox.Internal.Handlers;

namespace Outbox.Inbox;

/// <summary>Adds handlers to the inbox registered with <c>AddInbox</c>.</summary>
public sealed class InboxBuilder
{
    internal InboxBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the inbox was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> (scoped) for messages of <typeparamref name="TMessage"/> and of every
    /// message class deriving from or implementing it. Message classes declared with <c>[MessageType]</c> in the
    /// assembly of <typeparamref name="TMessage"/> are added to the message-type registry. Several handlers of one
    /// message run in registration order, in the same transaction.
    /// </summary>
    /// <typeparam name="TMessage">The message class, or a base class or interface of several.</typeparam>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <returns>This builder, for chaining.</returns>
    public InboxBuilder AddHandler<TMessage, THandler>()
        where THandler : class, IMessageHandler<TMessage>
    {
        Services.AddScoped<THandler>();
        Services.AddSingleton(new HandlerRegistration(typeof(TMessage), typeof(THandler)));
        return this;
    }
}
