namespace Outbox.Inbox;

/// <summary>
/// Handles messages of type <typeparamref name="TMessage"/> (and of every registered type deriving from it).
/// A handler is resolved from a new DI scope per record; the scope's DbContext takes part in the inbox
/// transaction, so changes saved through it commit together with the record's inbox row, exactly once.
/// </summary>
/// <typeparam name="TMessage">The message class, or a base class or interface of several message classes.</typeparam>
public interface IMessageHandler<in TMessage>
{
    /// <summary>Handles one message. Throwing makes the record retry and, after the last attempt, go to the dead-letter topic.</summary>
    /// <param name="message">The deserialized message.</param>
    /// <param name="context">Where the message came from and its envelope attributes.</param>
    /// <param name="cancellationToken">Cancelled when the partition is revoked or the host stops and the handler ran out of time.</param>
    /// <returns>A task that completes when the message is handled.</returns>
    Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken);
}
