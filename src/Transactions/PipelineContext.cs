using Confluent.Kafka;
using Outbox.Messaging;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions;

/// <summary>
/// What an <see cref="IPipelineHandler{TMessage}"/> knows about the input it handles, and where it emits
/// outputs. Outputs are kept until the handler returns: the outputs of an attempt that throws are dropped.
/// </summary>
public sealed class PipelineContext
{
    private readonly OutputRecordFactory _outputs;
    private readonly List<OutputRecord> _emitted = [];

    internal PipelineContext(MessageEnvelope envelope, TopicPartitionOffset consumedFrom, int attempt, OutputRecordFactory outputs)
    {
        Envelope = envelope;
        ConsumedFrom = consumedFrom;
        Attempt = attempt;
        _outputs = outputs;
    }

    /// <summary>The input's envelope: event id, type, correlation and causation ids, trace context.</summary>
    public MessageEnvelope Envelope { get; }

    /// <summary>The topic, partition and offset the input was consumed from.</summary>
    public TopicPartitionOffset ConsumedFrom { get; }

    /// <summary>Which attempt at this input this is, starting at 1.</summary>
    public int Attempt { get; }

    /// <summary>
    /// True when the pipeline keeps database effects (<c>WithDatabase</c>) and an earlier attempt at this input already
    /// committed them: the input's inbox row exists, but the Kafka transaction that carried its outputs did not commit.
    /// Emit the same outputs again; database changes made during this attempt are rolled back when it returns. A handler
    /// whose outputs depend on state its own effects changed reads what the first attempt recorded instead. Always false
    /// without a database.
    /// </summary>
    public bool DatabaseEffectsCommitted { get; internal set; }

    internal IReadOnlyList<OutputRecord> Emitted => _emitted;

    /// <summary>
    /// Emits an output message to <paramref name="topic"/> in the input's transaction. It gets a new
    /// UUIDv7 event id, the input's event id as causation id and the input's correlation id (or, when
    /// the input has none, the input's event id).
    /// </summary>
    /// <typeparam name="TOutput">The output message class, registered in the <see cref="MessageTypeRegistry"/>.</typeparam>
    /// <param name="topic">The topic to write to.</param>
    /// <param name="message">The output message.</param>
    /// <param name="key">The record key; null keeps the input's key, so one key's outputs stay in order.</param>
    public void Emit<TOutput>(string topic, TOutput message, string? key = null)
        where TOutput : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        _emitted.Add(_outputs.Create(Envelope, topic, message, key ?? Envelope.Key));
    }
}
