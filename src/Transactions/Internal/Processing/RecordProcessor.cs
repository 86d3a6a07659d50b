using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.ClaimCheck;
using Outbox.Messaging;
using Outbox.Transactions.Diagnostics;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>
/// Reads the envelope, resolves and deserializes the message, and runs a handler attempt (its own DI scope and, with a
/// database, its own database transaction), up to <see cref="PipelineSettings.MaxAttempts"/> times. A record that
/// cannot be read or keeps failing becomes a dead letter.
/// </summary>
internal sealed class RecordProcessor<TMessage>(
    PipelineSettings settings,
    IHandlerAttempt<TMessage> handlerAttempt,
    MessageTypeRegistry registry,
    IMessageSerializer serializer,
    OutputRecordFactory outputs,
    DeadLetterRecordFactory deadLetters,
    TimeProvider time,
    ILogger logger,
    ClaimCheckProcessor? claimCheck = null) : IRecordProcessor
    where TMessage : class
{
    public async ValueTask<ProcessedRecord> ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        if (Redelivery.IsForAnotherGroup(record.Message.Headers, settings.GroupId, out var recipient))
        {
            // An operator requeued (or an inbox released) a copy for another consumer group: this pipeline saw the original.
            Log.RedeliveryForAnotherGroup(logger, settings.Name, record.TopicPartitionOffset, recipient);
            return new ProcessedRecord([], false);
        }

        ReadOnlyMemory<byte> value = record.Message.Value ?? [];
        if (claimCheck is not null && record.Message.Headers is { } marked && marked.TryGetLastBytes(ClaimCheckHeaders.Reference, out var reference))
        {
            try
            {
                value = await claimCheck.CheckOutAsync(reference, value, cancellationToken).ConfigureAwait(false);
            }
            catch (ClaimCheckException exception)
            {
                // A missing or altered blob reads the same on every attempt: dead-letter it now.
                return DeadLetter(record, DeadLetterReason.ClaimCheckFailed + ": " + exception.Message, 1, exception);
            }
        }

        if (record.Message.Headers is not { } headers || !MessageEnvelope.TryRead(headers, value, out var envelope))
        {
            return DeadLetter(record, DeadLetterReason.InvalidEnvelope, 1, null);
        }

        if (!registry.TryGetType(envelope.Type, out var type) || !typeof(TMessage).IsAssignableFrom(type))
        {
            return DeadLetter(record, DeadLetterReason.UnknownMessageType, 1,
                new InvalidOperationException($"Message type '{envelope.Type}' is not registered as a {typeof(TMessage).FullName}."));
        }

        TMessage message;
        try
        {
            message = (TMessage)serializer.Deserialize(value.Span, type);
        }
#pragma warning disable CA1031 // Whatever the serializer throws, the record is unreadable: dead-letter it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return DeadLetter(record, DeadLetterReason.DeserializationFailed, 1, exception);
        }

        using var activity = StartActivity(record, envelope);
        Exception? lastFailure = null;
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            var context = new PipelineContext(envelope, record.TopicPartitionOffset, attempt, outputs);
            try
            {
                await handlerAttempt.RunAsync(message, context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                lastFailure = exception;
                Log.HandlerFailed(logger, exception, settings.Name, attempt, settings.MaxAttempts, record.TopicPartitionOffset);
                if (attempt < settings.MaxAttempts && settings.RetryBackoff > TimeSpan.Zero)
                {
                    await Task.Delay(settings.RetryBackoff, time, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            // Outside the handler's try: a store that cannot be written fails the batch, which is retried, not the record.
            await outputs.CheckInAsync(context.Emitted, cancellationToken).ConfigureAwait(false);
            return new ProcessedRecord(context.Emitted, false);
        }

        activity?.SetStatus(ActivityStatusCode.Error, lastFailure?.Message);
        return DeadLetter(record, DeadLetterReason.HandlerFailed, settings.MaxAttempts, lastFailure);
    }

    private ProcessedRecord DeadLetter(ConsumeResult<byte[]?, byte[]?> record, string reason, int attempts, Exception? exception)
    {
        Log.DeadLettered(logger, settings.Name, record.TopicPartitionOffset, deadLetters.Topic, reason);
        PipelineTelemetry.RecordsDeadLettered.Add(1, PipelineTelemetry.PipelineTag(settings.Name));
        return new ProcessedRecord([deadLetters.Create(record, reason, attempts, exception)], true);
    }

    private Activity? StartActivity(ConsumeResult<byte[]?, byte[]?> record, MessageEnvelope envelope)
    {
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var parent);
        var activity = PipelineTelemetry.ActivitySource.StartActivity($"{record.Topic} process", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", record.Topic);
            activity.SetTag("messaging.destination.partition.id", record.Partition.Value);
            activity.SetTag("messaging.kafka.offset", record.Offset.Value);
            activity.SetTag("messaging.consumer.group.name", settings.GroupId);
            activity.SetTag("messaging.message.id", envelope.Id.ToString());
        }

        return activity;
    }
}
