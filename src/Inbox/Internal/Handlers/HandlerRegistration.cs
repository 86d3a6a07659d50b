namespace Outbox.Inbox.Internal.Handlers;

/// <summary>A handler class registered for a message class (or a base class or interface of message classes).</summary>
internal sealed record HandlerRegistration(Type MessageType, Type HandlerType);
