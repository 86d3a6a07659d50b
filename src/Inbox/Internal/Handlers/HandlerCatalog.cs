using System.Collections.Concurrent;
using System.Reflection;
using Outbox.Messaging;

namespace Outbox.Inbox.Internal.Handlers;

/// <summary>
/// Finds the handlers of a message class: every registration whose message type the class is assignable
/// to, so a handler of a base class or interface receives all derived messages (polymorphic dispatch).
/// Handlers run in registration order.
/// </summary>
internal sealed class HandlerCatalog
{
    private readonly IReadOnlyList<HandlerRegistration> _registrations;
    private readonly ConcurrentDictionary<Type, HandlerInvoker[]> _byMessageType = new();

    public HandlerCatalog(IEnumerable<HandlerRegistration> registrations, MessageTypeRegistry registry)
    {
        _registrations = [.. registrations];

        // A handler of a base type receives the derived messages, so their names must resolve too.
        foreach (var registration in _registrations)
        {
            foreach (var type in registration.MessageType.Assembly.GetTypes())
            {
                if (registration.MessageType.IsAssignableFrom(type) && type.GetCustomAttribute<MessageTypeAttribute>() is { } attribute)
                {
                    registry.Register(type, attribute.Name);
                }
            }
        }
    }

    public IReadOnlyList<HandlerInvoker> For(Type messageType) =>
        _byMessageType.GetOrAdd(messageType, type => [.. _registrations.Where(r => r.MessageType.IsAssignableFrom(type)).Select(HandlerInvoker.Create)]);
}
