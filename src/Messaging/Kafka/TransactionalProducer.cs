using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Messaging.Diagnostics;

namespace Outbox.Messaging.Kafka;

/// <summary>
/// A transactional producer whose blocking transaction API (InitTransactions, BeginTransaction,
/// SendOffsetsToTransaction, CommitTransaction, AbortTransaction, Dispose) runs on a thread of its own, so async
/// callers await instead of blocking the thread pool, and those calls never overlap. Errors classified
/// <see cref="KafkaErrorAction.Retry"/> are retried here a bounded number of times; every other error goes to the
/// caller, who decides with <see cref="KafkaErrorClassifier"/>. The outbox relay and transactional pipelines both
/// publish through it.
/// </summary>
internal sealed class TransactionalProducer<TKey, TValue> : IAsyncDisposable
{
    private const int MaxOperationAttempts = 5;

    private readonly ProducerConfig _config;
    private readonly TimeSpan _operationTimeout;
    private readonly string _client;
    private readonly ILogger _logger;
    private readonly DedicatedThread _thread;
    private IProducer<TKey, TValue>? _producer;
    private volatile bool _inTransaction;

    /// <param name="config">The producer's configuration, with its <c>transactional.id</c>.</param>
    /// <param name="operationTimeout">How long one transaction call may block.</param>
    /// <param name="client">Names the producer in logs and its thread (a relay lane, a pipeline).</param>
    /// <param name="logger">Receives retries and librdkafka's own log.</param>
    public TransactionalProducer(ProducerConfig config, TimeSpan operationTimeout, string client, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(config.TransactionalId))
        {
            throw new ArgumentException("A transactional producer needs a transactional.id.", nameof(config));
        }

        _config = config;
        _operationTimeout = operationTimeout;
        _client = client;
        _logger = logger;
        _thread = new DedicatedThread("outbox-txn " + config.TransactionalId);
    }

    /// <summary>Whether a transaction is open (begun and neither committed nor aborted).</summary>
    public bool InTransaction => _inTransaction;

    private IProducer<TKey, TValue> Producer =>
        _producer ?? throw new InvalidOperationException("The transactional producer is not initialized.");

    /// <summary>
    /// Builds the producer and registers its transactional id, which fences every earlier producer of the same id
    /// and aborts whatever it left open.
    /// </summary>
    public async Task InitTransactionsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_producer is not null)
        {
            throw new InvalidOperationException("The transactional producer is already initialized.");
        }

        var producer = await _thread.RunAsync(() => new ProducerBuilder<TKey, TValue>(_config)
            .SetLogHandler((_, message) => Log.ClientLog(_logger, _client, message.Facility, message.Message))
            .SetErrorHandler(static (_, _) => { })
            .Build()).ConfigureAwait(false);
        _producer = producer;
        await RetryAsync("InitTransactions", () => producer.InitTransactions(_operationTimeout), cancellationToken).ConfigureAwait(false);
    }

    public async Task BeginTransactionAsync()
    {
        var producer = Producer;
        await _thread.RunAsync(producer.BeginTransaction).ConfigureAwait(false);
        _inTransaction = true;
    }

    /// <summary>Produces one record in the open transaction; the task completes with its delivery report.</summary>
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(TopicPartition partition, Message<TKey, TValue> message) =>
        Producer.ProduceAsync(partition, message, CancellationToken.None);

    /// <inheritdoc cref="ProduceAsync(TopicPartition, Message{TKey, TValue})"/>
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message) =>
        Producer.ProduceAsync(topic, message, CancellationToken.None);

    /// <summary>
    /// Enqueues one record in the open transaction without waiting for its delivery, and without a delivery handler:
    /// a failed delivery fails the commit (librdkafka makes it an abortable error), and a handler would cost a call
    /// from librdkafka's poll thread and a report per record. Waits for room while librdkafka's local queue is full
    /// rather than failing the transaction.
    /// </summary>
    public async ValueTask EnqueueAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken)
    {
        var producer = Producer;
        while (true)
        {
            try
            {
                producer.Produce(topic, message);
                return;
            }
            catch (ProduceException<TKey, TValue> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The queue drains as the broker acknowledges.
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds consumed offsets to the open transaction (KIP-447: fenced by the consumer group's generation).</summary>
    public Task SendOffsetsToTransactionAsync(IReadOnlyList<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata)
    {
        var producer = Producer;

        // Once offsets are sent the outcome is decided by the commit: cancellation never stops this half-way.
        return RetryAsync("SendOffsetsToTransaction", () => producer.SendOffsetsToTransaction(offsets, groupMetadata, _operationTimeout), CancellationToken.None);
    }

    /// <summary>Commits the open transaction; a retriable failure leaves its outcome pending, so the commit is repeated.</summary>
    public async Task CommitTransactionAsync()
    {
        var producer = Producer;
        await RetryAsync("CommitTransaction", () => producer.CommitTransaction(_operationTimeout), CancellationToken.None).ConfigureAwait(false);
        _inTransaction = false;
    }

    public async Task AbortTransactionAsync()
    {
        var producer = Producer;
        await RetryAsync("AbortTransaction", () => producer.AbortTransaction(_operationTimeout), CancellationToken.None).ConfigureAwait(false);
        _inTransaction = false;
    }

    /// <summary>
    /// Aborts the open transaction, if any, blocking until it is done. Only for a rebalance callback, which runs on
    /// the consumer's own thread and must not return before the abort; this type's thread runs no async code.
    /// </summary>
    public void AbortTransactionBeforeRevocation()
    {
        if (!_inTransaction || _producer is not { } producer)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _thread.Run(() => producer.AbortTransaction(_operationTimeout));
                _inTransaction = false;
                return;
            }
            catch (KafkaException exception) when (attempt < MaxOperationAttempts && KafkaErrorClassifier.Classify(exception) == KafkaErrorAction.Retry)
            {
                Log.RetryingOperation(_logger, _client, "AbortTransaction", exception.Error.Code, exception.Error.Reason, attempt);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _producer, null) is { } producer)
        {
            _inTransaction = false;

            // Dispose flushes and joins librdkafka's threads: blocking, so on the producer's thread.
            await _thread.RunAsync(producer.Dispose).ConfigureAwait(false);
        }

        _thread.Dispose();
    }

    private async Task RetryAsync(string operation, Action call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _thread.RunAsync(call).ConfigureAwait(false);
                return;
            }
            catch (KafkaException exception) when (attempt < MaxOperationAttempts && KafkaErrorClassifier.Classify(exception) == KafkaErrorAction.Retry)
            {
                Log.RetryingOperation(_logger, _client, operation, exception.Error.Code, exception.Error.Reason, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
