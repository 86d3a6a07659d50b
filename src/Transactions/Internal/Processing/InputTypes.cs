using System.Reflection;
using Outbox.Messaging;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>Makes a pipeline's input types resolvable by name without a manual registration.</summary>
internal static class InputTypes
{
    /// <summary>
    /// Registers the declared names of <typeparamref name="TMessage"/> and of the classes deriving from it in its
    /// assembly; input types declared elsewhere must be registered in the <see cref="MessageTypeRegistry"/> by the application.
    /// </summary>
    public static void Register<TMessage>(MessageTypeRegistry registry)
    {
        foreach (var type in typeof(TMessage).Assembly.GetTypes())
        {
            if (typeof(TMessage).IsAssignableFrom(type) && type.GetCustomAttribute<MessageTypeAttribute>() is { } declared)
            {
                registry.Register(type, declared.Name);
            }
        }
    }
}
