namespace Outbox.Messaging;

/// <summary>
/// Gives a message class its stable type name, for example <c>orders.order-placed</c>.
/// The name travels in the <see cref="MessageHeaders.Type"/> header and must never change once
/// messages of that type exist, so it is declared rather than derived from the CLR type name.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class MessageTypeAttribute : Attribute
{
    /// <summary>Declares the stable type name of the message class.</summary>
    /// <param name="name">The stable name, for example <c>orders.order-placed</c>.</param>
    public MessageTypeAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The stable type name.</summary>
    public string Name { get; }
}
