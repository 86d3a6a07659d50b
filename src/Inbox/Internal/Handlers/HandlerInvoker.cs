using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Inbox.Internal.Handlers;

/// <summary>Calls one registered handler with a message whose class is only known at run time.</summary>
internal abstract class HandlerInvoker
{
    public static HandlerInvoker Create(HandlerRegistration registration) =>
        (HandlerInvoker)Activator.CreateInstance(typeof(HandlerInvoker<>).MakeGenericType(registration.MessageType), registration.HandlerType)!;

    public abstract Task InvokeAsync(IServiceProvider services, object message, MessageContext context, CancellationToken cancellationToken);
}

/// <summary>Calls a handler of <typeparamref name="TMessage"/>.</summary>
internal sealed class HandlerInvoker<TMessage> : HandlerInvoker
{
    private readonly Type _handlerType;

    public HandlerInvoker(Type handlerType) => _handlerType = handlerType;

    public override Task InvokeAsync(IServiceProvider services, object message, MessageContext context, CancellationToken cancellationToken) =>
        ((IMessageHandler<TMessage>)services.GetRequiredService(_handlerType)).HandleAsync((TMessage)message, context, cancellationToken);
}
