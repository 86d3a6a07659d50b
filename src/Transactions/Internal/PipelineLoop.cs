using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Messaging.Kafka;
using Outbox.Transactions.Diagnostics;
using Outbox.Transactions.Internal.Kafka;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Internal;

/// <summary>
/// One pipeline instance's consume-transform-produce loop: poll, handle each record in offset order (so each
/// key keeps its order), produce its outputs in the open transaction, and commit the consumed offsets with
/// them once the batch is full or the commit interval has passed. Kafka errors go through
/// <see cref="KafkaErrorClassifier"/>: abort and rewind to the committed offsets, or rebuild the producer.
/// </summary>
internal sealed class PipelineLoop(
    PipelineSettings settings,
    IPipelineConsumer consumer,
    IPipelineProducer producer,
    IRecordProcessor processor,
    TimeProvider time,
    ILogger logger)
{
    // How long an idle poll waits before the loop looks at the stop token again.
    private static readonly TimeSpan IdlePollWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRecoveryBackoff = TimeSpan.FromSeconds(5);

    // The most records one poll hands over, as Kafka's max.poll.records (default 500). A batch may be far larger
    // (a long commit interval); taking it in one poll would drain the consumer's whole prefetch queue, keep every
    // record alive until the last is handled (promoted by the GC, collected only in gen 1 or 2), and check the
    // commit deadline only after all of them.
    internal const int MaxPollRecords = 500;

    private readonly TransactionBatch _batch = new();
    private readonly KeyValuePair<string, object?> _tag = PipelineTelemetry.PipelineTag(settings.Name);
    private volatile bool _producerBroken;
    private int _consecutiveFailures;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await producer.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await consumer.SubscribeAsync(settings.Topics, OnPartitionsRevoked, cancellationToken).ConfigureAwait(false);
        Log.Started(logger, settings.Name, settings.GroupId, settings.TransactionalId, string.Join(", ", settings.Topics));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await StepAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (KafkaException exception) when (!cancellationToken.IsCancellationRequested)
                {
                    await RecoverAsync(exception, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: fall through to the shutdown below.
        }

        await ShutdownAsync().ConfigureAwait(false);
    }

    /// <summary>Runs on the consumer's thread inside a poll, before the partitions are released.</summary>
    private void OnPartitionsRevoked()
    {
        if (!producer.InTransaction)
        {
            return;
        }

        try
        {
            producer.AbortBeforeRevocation();
            PipelineTelemetry.TransactionsAborted.Add(1, _tag);
            Log.AbortedOnRevocation(logger, settings.Name);
        }
        catch (KafkaException exception)
        {
            // The transaction may still be open; a rebuilt producer's InitTransactions aborts it for certain.
            Log.AbortOnRevocationFailed(logger, exception, settings.Name);
            _producerBroken = true;
        }
    }

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var wait = _batch.IsOpen ? _batch.Deadline - time.GetUtcNow() : IdlePollWait;
        var poll = await consumer.PollAsync(Math.Min(MaxPollRecords, settings.MaxBatchSize - _batch.Count), wait < TimeSpan.Zero ? TimeSpan.Zero : wait, cancellationToken).ConfigureAwait(false);
        if (poll.Revoked)
        {
            // The open transaction was aborted in the callback; the new assignment starts from committed offsets,
            // and the records of this poll, if any, are its first ones.
            _batch.Reset();
            if (_producerBroken)
            {
                _producerBroken = false;
                await producer.RecreateAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var record in poll.Records)
        {
            if (!_batch.IsOpen)
            {
                await producer.BeginAsync(cancellationToken).ConfigureAwait(false);
                _batch.Open(time.GetUtcNow() + settings.CommitInterval, consumer.GroupMetadata);
            }

            var processed = await processor.ProcessAsync(record, cancellationToken).ConfigureAwait(false);
            foreach (var output in processed.Records)
            {
                await producer.ProduceAsync(output, cancellationToken).ConfigureAwait(false);
            }

            _batch.Add(record.TopicPartitionOffset);
            PipelineTelemetry.RecordsConsumed.Add(1, _tag);
            if (!processed.DeadLettered)
            {
                PipelineTelemetry.RecordsProduced.Add(processed.Records.Count, _tag);
            }
        }

        if (_batch.IsDue(time.GetUtcNow(), settings.MaxBatchSize))
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await producer.CommitAsync(_batch.Offsets(), _batch.GroupMetadata, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        PipelineTelemetry.TransactionsCommitted.Add(1, _tag);
        PipelineTelemetry.CommitDuration.Record(elapsed, _tag);
        Log.Committed(logger, settings.Name, _batch.Count, elapsed);
        _batch.Reset();
        _consecutiveFailures = 0;
    }

    private async Task RecoverAsync(KafkaException exception, CancellationToken cancellationToken)
    {
        var action = KafkaErrorClassifier.Classify(exception);

        // The producer already retried retriable calls as often as is sensible; the loop starts the batch over.
        if (action == KafkaErrorAction.Retry)
        {
            action = KafkaErrorAction.AbortTransaction;
        }

        Log.KafkaError(logger, exception, settings.Name, exception.Error.Code, exception.Error.Reason, action);
        _batch.Reset();
        if (action == KafkaErrorAction.AbortTransaction && producer.InTransaction)
        {
            try
            {
                await producer.AbortAsync(cancellationToken).ConfigureAwait(false);
                PipelineTelemetry.TransactionsAborted.Add(1, _tag);
            }
            catch (KafkaException abortFailure)
            {
                Log.KafkaError(logger, abortFailure, settings.Name, abortFailure.Error.Code, abortFailure.Error.Reason, KafkaErrorAction.RecreateProducer);
                action = KafkaErrorAction.RecreateProducer;
            }
        }

        if (action == KafkaErrorAction.RecreateProducer)
        {
            // InitTransactions of the new producer aborts the old transaction, if the coordinator still has it open.
            await producer.RecreateAsync(cancellationToken).ConfigureAwait(false);
            PipelineTelemetry.TransactionsAborted.Add(1, _tag);
        }

        await consumer.RewindToCommittedAsync(cancellationToken).ConfigureAwait(false);

        // Back off exponentially while failures repeat, so a broker outage does not become a busy loop.
        _consecutiveFailures++;
        var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxRecoveryBackoff.TotalMilliseconds, 50 * Math.Pow(2, _consecutiveFailures - 1)));
        await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
    }

    private async Task ShutdownAsync()
    {
        // The open batch is given up rather than committed: its records are handled again by whoever gets
        // the partitions, and nothing of it is visible. Each step is bounded by the operation timeout.
        try
        {
            if (producer.InTransaction)
            {
                await producer.AbortAsync(CancellationToken.None).ConfigureAwait(false);
                PipelineTelemetry.TransactionsAborted.Add(1, _tag);
            }
        }
        catch (KafkaException exception)
        {
            // The coordinator aborts it when the transaction times out, or when this instance restarts.
            Log.KafkaError(logger, exception, settings.Name, exception.Error.Code, exception.Error.Reason, KafkaErrorAction.RecreateProducer);
        }

        _batch.Reset();
        await consumer.CloseAsync().ConfigureAwait(false);
        Log.Stopped(logger, settings.Name);
    }
}
