using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Inbox.Internal.Handlers;
using Outbox.Inbox.Internal.Pipeline.Blocking;
using Outbox.Inbox.Internal.Pipeline.DeadLetter;
using Outbox.Inbox.Internal.Pipeline.Dedupe;
using Outbox.Inbox.Internal.Pipeline.Deserialize;
using Outbox.Inbox.Internal.Pipeline.Retry;
using Outbox.Inbox.Internal.Storage;

namespace Outbox.Inbox.Internal.Pipeline;

/// <summary>
/// Takes one record to its end, in the order a record travels: read the event id and type, deserialize,
/// handle in the inbox transaction (skipping duplicates, parking behind a blocked key), retry in place,
/// and after the last attempt dead-letter it and block its key. A record always ends in exactly one of
/// handled, skipped, parked or dead-lettered; when the database or the dead-letter topic is down the
/// record is retried until they are back, because finishing it any other way would lose it.
/// </summary>
internal sealed class InboxPipeline
{
    private static readonly TimeSpan FirstInfrastructureDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxInfrastructureDelay = TimeSpan.FromSeconds(30);

    private readonly RecordDecoder _decoder;
    private readonly HandlerCatalog _handlers;
    private readonly TransactionalHandler _handling;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly BlockStore _blocks;
    private readonly ParkedEventReleaser _releaser;
    private readonly RetryBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger<InboxPipeline> _logger;
    private readonly ClaimCheckProcessor? _claimCheck;
    private readonly string _group;
    private readonly int _maxAttempts;

    public InboxPipeline(
        RecordDecoder decoder,
        HandlerCatalog handlers,
        TransactionalHandler handling,
        DeadLetterPublisher deadLetters,
        BlockStore blocks,
        ParkedEventReleaser releaser,
        RetryBackoff backoff,
        IOptions<InboxOptions> options,
        TimeProvider time,
        ILogger<InboxPipeline> logger,
        ClaimCheckProcessor? claimCheck = null)
    {
        _decoder = decoder;
        _handlers = handlers;
        _handling = handling;
        _deadLetters = deadLetters;
        _blocks = blocks;
        _releaser = releaser;
        _backoff = backoff;
        _time = time;
        _logger = logger;
        _claimCheck = claimCheck;
        _group = options.Value.ConsumerGroup;
        _maxAttempts = options.Value.MaxAttempts;
    }

    public async Task ProcessAsync(ConsumedRecord record, CancellationToken cancellationToken)
    {
        using var activity = InboxTelemetry.StartProcess(record, _group);
        var started = Stopwatch.GetTimestamp();
        var delay = FirstInfrastructureDelay;
        while (true)
        {
            try
            {
                await ProcessOnceAsync(record, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                activity?.AddException(e);
                Log.InfrastructureFailed(_logger, e, record.TopicPartitionOffset.ToString(), delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxInfrastructureDelay.Ticks));
            }
        }

        InboxTelemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("messaging.destination.name", record.Topic));
    }

    private async Task ProcessOnceAsync(ConsumedRecord record, CancellationToken cancellationToken)
    {
        if (Messaging.Redelivery.IsForAnotherGroup(record.Headers, _group, out var recipient))
        {
            Log.RedeliveryForAnotherGroup(_logger, record.TopicPartitionOffset.ToString(), recipient);
            return;
        }

        if (!_decoder.TryReadEventId(record, out var eventId, out var failure))
        {
            await _deadLetters.PublishAsync(record, failure!, cancellationToken).ConfigureAwait(false);
            return;
        }

        ReadOnlyMemory<byte>? payload = null;
        if (_claimCheck is not null && record.Headers.TryGetLastBytes(ClaimCheckHeaders.Reference, out var reference))
        {
            try
            {
                payload = await _claimCheck.CheckOutAsync(reference, record.Value, cancellationToken).ConfigureAwait(false);
            }
            catch (ClaimCheckException e)
            {
                // A missing or altered blob reads the same on every attempt: dead-letter it now.
                await DeadLetterAsync(record, eventId, DeadLetterReason.ClaimCheckFailed(e), cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (!_decoder.TryDecode(record, eventId, out var decoded, out failure, payload))
        {
            await DeadLetterAsync(record, eventId, failure!, cancellationToken).ConfigureAwait(false);
            return;
        }

        var handlers = _handlers.For(decoded!.MessageType);
        if (handlers.Count == 0)
        {
            Log.NoHandler(_logger, decoded.TypeName, record.TopicPartitionOffset.ToString());
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            HandlingResult result;
            try
            {
                result = await _handling.HandleAsync(decoded, attempt, handlers, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (await _handling.IsProcessedAsync(eventId, cancellationToken).ConfigureAwait(false))
                {
                    // Another owner committed the same event first: the primary key turned our commit away.
                    result = new HandlingResult(HandlingOutcome.Duplicate);
                }
                else if (attempt >= _maxAttempts)
                {
                    await DeadLetterAsync(record, eventId, DeadLetterReason.HandlerFailed(e, attempt), cancellationToken).ConfigureAwait(false);
                    return;
                }
                else
                {
                    var wait = _backoff.After(attempt);
                    Log.AttemptFailed(_logger, e, attempt, _maxAttempts, eventId, record.TopicPartitionOffset.ToString(), wait);
                    InboxTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Topic));
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await FinishAsync(record, eventId, result, cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    private async Task FinishAsync(ConsumedRecord record, Guid eventId, HandlingResult result, CancellationToken cancellationToken)
    {
        var tag = new KeyValuePair<string, object?>("messaging.destination.name", record.Topic);
        switch (result.Outcome)
        {
            case HandlingOutcome.Handled:
                InboxTelemetry.Handled.Add(1, tag);
                break;
            case HandlingOutcome.HandledThenRelease:
                InboxTelemetry.Handled.Add(1, tag);
                await _releaser.ReleaseAsync(record.Topic, record.Key!, cancellationToken).ConfigureAwait(false);
                break;
            case HandlingOutcome.Duplicate:
                InboxTelemetry.Duplicates.Add(1, tag);
                Log.Duplicate(_logger, eventId, record.TopicPartitionOffset.ToString(), _group);
                break;
            case HandlingOutcome.Blocked:
                var reason = result.BlockedBy is { } blockedBy
                    ? DeadLetterReason.BlockedByEarlierFailure(blockedBy)
                    : DeadLetterReason.WaitingForReleasedEvents();
                var position = await _deadLetters.PublishAsync(record, reason, cancellationToken).ConfigureAwait(false);
                var releasing = await _blocks.ParkAsync(record.TopicPartitionOffset, record.Key!, eventId, position, cancellationToken).ConfigureAwait(false);
                InboxTelemetry.Parked.Add(1, tag);
                Log.Parked(_logger, eventId, record.TopicPartitionOffset.ToString(), reason.Description);
                if (releasing)
                {
                    await _releaser.ReleaseAsync(record.Topic, record.Key!, cancellationToken).ConfigureAwait(false);
                }

                break;
            case HandlingOutcome.AlreadyParked:
                break;
        }
    }

    /// <summary>Dead-letters a record whose event id is known, then blocks its key so later events of the aggregate wait.</summary>
    private async Task DeadLetterAsync(ConsumedRecord record, Guid eventId, DeadLetterReason reason, CancellationToken cancellationToken)
    {
        if (record.Key is not null && await _handling.IsProcessedAsync(eventId, cancellationToken).ConfigureAwait(false))
        {
            // An abandoned event redelivered (or requeued by mistake) must not block its key again.
            InboxTelemetry.Duplicates.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Topic));
            return;
        }

        var position = await _deadLetters.PublishAsync(record, reason, cancellationToken).ConfigureAwait(false);
        if (record.Key is { } key)
        {
            var outcome = await _blocks.BlockAsync(record.TopicPartitionOffset, key, eventId, position, cancellationToken).ConfigureAwait(false);
            if (outcome == BlockOutcome.ParkedWhileReleasing)
            {
                await _releaser.ReleaseAsync(record.Topic, key, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
