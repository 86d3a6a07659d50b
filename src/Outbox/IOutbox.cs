namespace Outbox;

/// <summary>
/// Adds messages to the outbox of the current unit of work. The messages are written by the next
/// <c>SaveChanges</c> of the application's <c>DbContext</c>, in the same database transaction as
/// the business data, and published to Kafka after that transaction commits; if it rolls back,
/// nothing is published. Scoped: one per <c>DbContext</c> scope.
/// </summary>
public interface IOutbox
{
    /// <summary>Adds <paramref name="message"/> to the outbox.</summary>
    /// <typeparam name="TMessage">The message class; it needs a stable type name (see <c>MessageTypeAttribute</c>).</typeparam>
    /// <param name="message">The message.</param>
    /// <param name="key">The aggregate key: the Kafka record key, so all messages of one aggregate keep their order on one partition.</param>
    /// <param name="options">Correlation, causation and topic for this message; optional.</param>
    void Add<TMessage>(TMessage message, string key, OutboxMessageOptions? options = null)
        where TMessage : notnull;
}
