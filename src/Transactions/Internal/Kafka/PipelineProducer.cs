using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Messaging.Kafka;
using Outbox.Transactions.Diagnostics;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>
/// The pipeline's transactional producer: the shared <see cref="TransactionalProducer{TKey, TValue}"/> built from
/// the pipeline's settings, and rebuilt after a fatal error or fencing.
/// </summary>
internal sealed class PipelineProducer(PipelineSettings settings, ILogger logger) : IPipelineProducer
{
    private TransactionalProducer<byte[]?, byte[]?>? _producer;

    public bool InTransaction => _producer?.InTransaction ?? false;

    private TransactionalProducer<byte[]?, byte[]?> Producer =>
        _producer ?? throw new InvalidOperationException("The transactional producer is not initialized.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var config = settings.Kafka.CreateTransactionalProducerConfig(settings.TransactionalId);
        config.TransactionTimeoutMs = (int)settings.TransactionTimeout.TotalMilliseconds;
        var producer = new TransactionalProducer<byte[]?, byte[]?>(config, settings.OperationTimeout, "Pipeline " + settings.Name, logger);
        try
        {
            await producer.InitTransactionsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await producer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _producer = producer;
    }

    public Task BeginAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Producer.BeginTransactionAsync();
    }

    public ValueTask ProduceAsync(OutputRecord record, CancellationToken cancellationToken) =>
        Producer.EnqueueAsync(record.Topic, record.Message, cancellationToken);

    public async Task CommitAsync(IReadOnlyList<TopicPartitionOffset> offsets, IConsumerGroupMetadata? groupMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupMetadata);
        var producer = Producer;
        await producer.SendOffsetsToTransactionAsync(offsets, groupMetadata).ConfigureAwait(false);
        await producer.CommitTransactionAsync().ConfigureAwait(false);
    }

    public Task AbortAsync(CancellationToken cancellationToken) => Producer.AbortTransactionAsync();

    public void AbortBeforeRevocation() => _producer?.AbortTransactionBeforeRevocation();

    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await DisposeProducerAsync().ConfigureAwait(false);
        PipelineTelemetry.ProducersRecreated.Add(1, PipelineTelemetry.PipelineTag(settings.Name));
        Log.ProducerRecreated(logger, settings.Name, settings.TransactionalId);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => DisposeProducerAsync();

    private async ValueTask DisposeProducerAsync()
    {
        if (Interlocked.Exchange(ref _producer, null) is { } producer)
        {
            await producer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
