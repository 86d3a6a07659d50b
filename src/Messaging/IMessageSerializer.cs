namespace Outbox.Messaging;

/// <summary>Turns messages into record values and back. The default is <see cref="JsonMessageSerializer"/>.</summary>
public interface IMessageSerializer
{
    /// <summary>The media type written to the <see cref="MessageHeaders.ContentType"/> header, for example <c>application/json</c>.</summary>
    string ContentType { get; }

    /// <summary>Serializes <paramref name="message"/> as an instance of <paramref name="type"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="type">The message class to serialize as.</param>
    /// <returns>The record value.</returns>
    byte[] Serialize(object message, Type type);

    /// <summary>Deserializes a record value into an instance of <paramref name="type"/>.</summary>
    /// <param name="payload">The record value.</param>
    /// <param name="type">The message class, usually resolved by name through the <see cref="MessageTypeRegistry"/>.</param>
    /// <returns>The message.</returns>
    object Deserialize(ReadOnlySpan<byte> payload, Type type);
}
