using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Transactions.Diagnostics;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>
/// Owns the pipeline's transactional producer and is the only caller of its blocking transaction API
/// (InitTransactions, BeginTransaction, SendOffsetsToTransaction, CommitTransaction, AbortTransaction),
/// which runs on this type's own thread. Errors classified <see cref="KafkaErrorAction.Retry"/> are retried
/// here a bounded number of times; every other error goes to the caller.
/// </summary>
internal sealed class TransactionalProducer : IPipelineProducer
{
    private const int MaxOperationAttempts = 5;

    private readonly PipelineSettings _settings;
    private readonly ILogger _logger;
    private readonly DedicatedThread _thread;
    private IProducer<byte[]?, byte[]?>? _producer;
    private volatile bool _inTransaction;

    public TransactionalProducer(PipelineSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _thread = new DedicatedThread($"outbox-txn {settings.TransactionalId}");
    }

    public bool InTransaction => _inTransaction;

    private IProducer<byte[]?, byte[]?> Producer =>
        _producer ?? throw new InvalidOperationException("The transactional producer is not initialized.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var config = _settings.Kafka.CreateTransactionalProducerConfig(_settings.TransactionalId);
        config.TransactionTimeoutMs = (int)_settings.TransactionTimeout.TotalMilliseconds;
        var producer = await _thread.RunAsync(() => new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, message) => Log.Client(_logger, message.Name, message.Facility, message.Message))
            .Build()).ConfigureAwait(false);
        _producer = producer;
        _inTransaction = false;
        await RetryAsync("InitTransactions", () => producer.InitTransactions(_settings.OperationTimeout), cancellationToken).ConfigureAwait(false);
    }

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var producer = Producer;
        await _thread.RunAsync(producer.BeginTransaction).ConfigureAwait(false);
        _inTransaction = true;
    }

    public async ValueTask ProduceAsync(OutputRecord record, CancellationToken cancellationToken)
    {
        var producer = Producer;
        while (true)
        {
            try
            {
                // Produce only enqueues; delivery failures surface again when the transaction commits.
                producer.Produce(record.Topic, record.Message, OnDelivered);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> exception) when (exception.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue drains as the broker acknowledges; wait for room rather than fail the batch.
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task CommitAsync(IReadOnlyList<TopicPartitionOffset> offsets, IConsumerGroupMetadata? groupMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupMetadata);
        var producer = Producer;
        var timeout = _settings.OperationTimeout;

        // Once offsets are sent the outcome is decided by the commit; never give up between the two because
        // of cancellation, or a rebalance could hand the partitions over with the offsets still pending.
        await RetryAsync("SendOffsetsToTransaction", () => producer.SendOffsetsToTransaction(offsets, groupMetadata, timeout), CancellationToken.None).ConfigureAwait(false);
        await RetryAsync("CommitTransaction", () => producer.CommitTransaction(timeout), CancellationToken.None).ConfigureAwait(false);
        _inTransaction = false;
    }

    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        var producer = Producer;
        await RetryAsync("AbortTransaction", () => producer.AbortTransaction(_settings.OperationTimeout), CancellationToken.None).ConfigureAwait(false);
        _inTransaction = false;
    }

    public void AbortBeforeRevocation()
    {
        if (!_inTransaction || _producer is not { } producer)
        {
            return;
        }

        // The rebalance callback must not return before the abort is done, and must not wait on async work:
        // the caller is the consumer's own thread, so it blocks on this type's thread, which runs no async code.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _thread.Run(() => producer.AbortTransaction(_settings.OperationTimeout));
                _inTransaction = false;
                return;
            }
            catch (KafkaException exception) when (attempt < MaxOperationAttempts && KafkaErrorClassifier.Classify(exception) == KafkaErrorAction.Retry)
            {
                Log.RetryingOperation(_logger, _settings.Name, "AbortTransaction", exception.Error.Code, exception.Error.Reason, attempt);
            }
        }
    }

    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await DisposeProducerAsync().ConfigureAwait(false);
        PipelineTelemetry.ProducersRecreated.Add(1, PipelineTelemetry.PipelineTag(_settings.Name));
        Log.ProducerRecreated(_logger, _settings.Name, _settings.TransactionalId);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeProducerAsync().ConfigureAwait(false);
        _thread.Dispose();
    }

    private async Task DisposeProducerAsync()
    {
        if (Interlocked.Exchange(ref _producer, null) is { } producer)
        {
            _inTransaction = false;

            // Dispose flushes and joins librdkafka's threads: blocking, so on the producer's thread.
            await _thread.RunAsync(producer.Dispose).ConfigureAwait(false);
        }
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
                Log.RetryingOperation(_logger, _settings.Name, operation, exception.Error.Code, exception.Error.Reason, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnDelivered(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            Log.DeliveryFailed(_logger, _settings.Name, report.Topic, report.Error.Code, report.Error.Reason);
        }
    }
}
