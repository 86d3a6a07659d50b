using System.Data.Common;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.ClaimCheck;
using Outbox.Diagnostics;
using Outbox.Internal.Storage;
using Outbox.Messaging.Kafka;

namespace Outbox.Internal.Relay;

/// <summary>
/// Publishes one lane while this instance holds its lease: claim the lane's oldest unpublished rows,
/// produce them and the lane's checkpoint in one Kafka transaction, commit, mark the rows published.
/// Marking runs beside the next batch rather than before it, so a database write is not on every
/// message's path: until a batch's rows are marked, its ids ride along in every later checkpoint and
/// are left out of later claims. Each new producer first initialises its transactions (fencing any
/// previous owner and finishing its open transaction) and then settles the ids named by the
/// checkpoint, so a batch that reached Kafka is never sent again, whoever crashed where.
/// </summary>
internal sealed class RelayLane(int lane, RelayContext relay) : IDisposable
{
    private readonly OutboxOptions _options = relay.Options;
    private readonly string _transactionalId = relay.Options.TransactionalIdPrefix + lane.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Ids committed to Kafka whose rows are not known to be marked published yet, and the one mark in flight.
    private readonly HashSet<long> _unmarked = [];
    private (long[] Ids, Task Task)? _marking;

    // Marks start here rather than on the lane: SQLite's provider runs its "async" calls synchronously, waits for
    // the write lock included, which would hold up the lane and starve the thread pool.
    private readonly DedicatedThread _marker = new("outbox-mark-lane-" + lane.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public int Lane => lane;

    /// <summary>Ends the marking thread; call it once <see cref="RunAsync"/> has returned.</summary>
    public void Dispose() => _marker.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new RetryBackoff(_options.MaxRetryDelay);
        TransactionalProducer<string?, byte[]>? producer = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    producer ??= await StartProducerAsync(cancellationToken).ConfigureAwait(false);

                    // At most two batches wait for their mark, which bounds the checkpoint and what a claim reads twice.
                    await MarkPublishedAsync(waitForMark: _unmarked.Count >= 2 * _options.BatchSize, cancellationToken).ConfigureAwait(false);

                    // Taken before the claim, so a commit that lands between the claim and the wait still wakes us.
                    var wake = relay.Signal.NextAsync(lane);
                    var batch = await ClaimAsync(cancellationToken).ConfigureAwait(false);
                    if (batch.Count == 0)
                    {
                        backoff.Reset();
                        await IdleAsync(wake, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    await PublishAsync(producer, batch, cancellationToken).ConfigureAwait(false);
                    backoff.Reset();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is DbException or TimeoutException)
                {
                    var delay = backoff.Next();
                    Log.DatabaseUnavailable(relay.Logger, e, "lane " + lane, delay);
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    var action = KafkaErrorClassifier.Classify(e);
                    var delay = backoff.Next();
                    if (KafkaErrorClassifier.IsFenced(e))
                    {
                        Log.ProducerFenced(relay.Logger, lane);
                    }
                    else
                    {
                        Log.PublishFailed(relay.Logger, e, lane, action.ToString(), delay);
                    }

                    // Only an abort keeps the producer; anything else gets a new one, which settles from the checkpoint first.
                    if (producer is not null && action == KafkaErrorAction.AbortTransaction)
                    {
                        await TryAbortAsync(producer).ConfigureAwait(false);
                    }
                    else if (producer is not null)
                    {
                        await producer.DisposeAsync().ConfigureAwait(false);
                        producer = null;
                    }

                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (producer is not null)
            {
                await producer.DisposeAsync().ConfigureAwait(false);
            }

            // The mark in flight uses this lane's connection scope; what it leaves unmarked the next owner settles.
            if (_marking is { } marking)
            {
                await marking.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Waits for a commit in this process or the next poll. A mark that finishes meanwhile is taken at once
    /// and what is left unmarked gets a mark of its own, without a claim that would find nothing.
    /// </summary>
    private async Task IdleAsync(Task wake, CancellationToken cancellationToken)
    {
        var poll = Task.Delay(_options.PollInterval, relay.Time, cancellationToken);
        while (true)
        {
            if (_marking is not { } marking)
            {
                await Task.WhenAny(wake, poll).ConfigureAwait(false);
                return;
            }

            if (await Task.WhenAny(wake, poll, marking.Task).ConfigureAwait(false) != marking.Task)
            {
                return;
            }

            await MarkPublishedAsync(waitForMark: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The lane's oldest unpublished rows, leaving out rows already in Kafka whose mark is still to come. The
    /// statement leaves them out, so they are neither read again nor (on PostgreSQL) locked again.
    /// </summary>
    private Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(CancellationToken cancellationToken)
    {
        var unmarked = _unmarked.ToArray();
        return relay.Database.RunAsync(
            (connection, store) => store.ClaimBatchAsync(connection, lane, _options.BatchSize, unmarked, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Takes the result of the mark in flight once it is done (or waits for it), then starts marking
    /// whatever is still unmarked. A failed mark throws here; its ids stay unmarked and are marked again.
    /// </summary>
    private async Task MarkPublishedAsync(bool waitForMark, CancellationToken cancellationToken)
    {
        if (_marking is { } marking && (waitForMark || marking.Task.IsCompleted))
        {
            _marking = null;
            await marking.Task.ConfigureAwait(false);
            _unmarked.ExceptWith(marking.Ids);
        }

        if (_marking is null && _unmarked.Count > 0)
        {
            var ids = _unmarked.ToArray();
            _marking = (ids, _marker.RunAsync(() => MarkAsync(ids, cancellationToken)).Unwrap());
        }
    }

    /// <summary>A producer that owns the lane in Kafka and whose predecessor's last batch is settled; nothing is published before both.</summary>
    private async Task<TransactionalProducer<string?, byte[]>> StartProducerAsync(CancellationToken cancellationToken)
    {
        var config = _options.Kafka.CreateTransactionalProducerConfig(_transactionalId);

        // A record still undelivered after KafkaTimeout fails its transaction (abort and retry) instead of
        // holding the lane for librdkafka's default five minutes; explicit Kafka.Properties still win.
        if (!_options.Kafka.Properties.ContainsKey("message.timeout.ms"))
        {
            config.MessageTimeoutMs = (int)_options.KafkaTimeout.TotalMilliseconds;
        }

        if (!_options.Kafka.Properties.ContainsKey("transaction.timeout.ms"))
        {
            config.TransactionTimeoutMs = (int)Math.Max(60_000, 2 * _options.KafkaTimeout.TotalMilliseconds);
        }

        // The relay waits for a batch's deliveries before it commits, so lingering would only add latency:
        // records produced while a request is in flight still share the next one.
        if (!_options.Kafka.Properties.ContainsKey("linger.ms"))
        {
            config.LingerMs = 0;
        }

        if (_marking is { } marking)
        {
            // Settling marks everything a committed checkpoint names, which includes what this mark was marking.
            _marking = null;
            await marking.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var producer = new TransactionalProducer<string?, byte[]>(config, _options.KafkaTimeout, _transactionalId, relay.Logger);
        try
        {
            await producer.InitTransactionsAsync(cancellationToken).ConfigureAwait(false);
            await SettleAsync(cancellationToken).ConfigureAwait(false);
            _unmarked.Clear();
            return producer;
        }
        catch
        {
            await producer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<int> MarkAsync(long[] ids, CancellationToken cancellationToken)
    {
        if (relay.Hooks.BeforeMarkPublished is { } before)
        {
            await before(lane, ids, cancellationToken).ConfigureAwait(false);
        }

        return await relay.Database.RunAsync(
            (connection, store) => store.MarkPublishedAsync(connection, ids, relay.Time.GetUtcNow().UtcDateTime, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the rows named by the lane's last committed checkpoint as published: that transaction's batch
    /// and every earlier batch that was not yet marked when it committed.
    /// </summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        var ids = await CheckpointReader.ReadLastAsync(
            _options.Kafka, _options.CheckpointTopic, lane, _options.TransactionalIdPrefix + "checkpoints", _options.KafkaTimeout, cancellationToken).ConfigureAwait(false);
        if (ids is not { Length: > 0 })
        {
            return;
        }

        var settled = await relay.Database.RunAsync(
            (connection, store) => store.MarkPublishedAsync(connection, ids, relay.Time.GetUtcNow().UtcDateTime, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (settled > 0)
        {
            Log.CheckpointSettled(relay.Logger, lane, settled);
        }
    }

    /// <summary>Publishes one batch in one Kafka transaction and hands its ids to the marking that follows.</summary>
    private async Task PublishAsync(TransactionalProducer<string?, byte[]> producer, IReadOnlyList<ClaimedMessage> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = StartActivity(batch);
        var ids = batch.Select(m => m.Id).ToArray();

        // Large payloads reach the store before the transaction starts; a retried batch rewrites the same blobs.
        var records = new Message<string?, byte[]>[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            records[i] = await RecordOfAsync(batch[i], cancellationToken).ConfigureAwait(false);
        }

        await producer.BeginTransactionAsync().ConfigureAwait(false);
        var deliveries = new Task<DeliveryResult<string?, byte[]>>[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            deliveries[i] = ProduceOne(producer, batch[i].Topic, records[i]);
        }

        var checkpoint = producer.ProduceAsync(
            new TopicPartition(_options.CheckpointTopic, lane),
            new Message<string?, byte[]> { Key = RelayCheckpoint.KeyOf(lane), Value = RelayCheckpoint.Encode([.. _unmarked, .. ids]) });
        Exception? failure = null;
        try
        {
            await Task.WhenAll(deliveries.Append(checkpoint)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (failure is not null)
        {
            if (await SetAsideUnpublishableAsync(producer, batch, deliveries, cancellationToken).ConfigureAwait(false))
            {
                // Those rows are out of the way; the rest of the batch goes out in the next transaction.
                return;
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (relay.Hooks.BeforeKafkaCommit is { } before)
        {
            await before(lane, ids, cancellationToken).ConfigureAwait(false);
        }

        await producer.CommitTransactionAsync().ConfigureAwait(false);
        _unmarked.UnionWith(ids);
        OutboxTelemetry.MessagesPublished.Add(batch.Count);
        OutboxTelemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Log.BatchPublished(relay.Logger, lane, batch.Count, ids[0], ids[^1]);

        if (relay.Hooks.AfterKafkaCommit is { } after)
        {
            await after(lane, ids, cancellationToken).ConfigureAwait(false);
        }

        await MarkPublishedAsync(waitForMark: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The Kafka record of a row. With a claim check registered, a payload over its threshold goes to the
    /// store under a key derived from the event id, and the record carries the reference instead.
    /// </summary>
    private async ValueTask<Message<string?, byte[]>> RecordOfAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var record = new Message<string?, byte[]>
        {
            Key = message.MessageKey,
            Value = message.Payload,
            Headers = HeadersOf(message.Headers),
        };
        if (relay.ClaimCheck is { } claimCheck
            && record.Headers.TryGetLastBytes(Messaging.MessageHeaders.Id, out var id)
            && Guid.TryParse(Encoding.UTF8.GetString(id), out var eventId))
        {
            var checkedIn = await claimCheck.CheckInAsync(eventId, message.Payload, cancellationToken).ConfigureAwait(false);
            if (checkedIn.ReferenceHeader is { } reference)
            {
                record.Value = checkedIn.Value.ToArray();
                record.Headers.Add(ClaimCheckHeaders.Reference, reference.ToArray());
            }
        }

        return record;
    }

    private static Task<DeliveryResult<string?, byte[]>> ProduceOne(TransactionalProducer<string?, byte[]> producer, string topic, Message<string?, byte[]> record)
    {
        try
        {
            return producer.ProduceAsync(topic, record);
        }
        catch (ProduceException<string?, byte[]> e)
        {
            // librdkafka refuses some records before sending them (for example over message.max.bytes).
            return Task.FromException<DeliveryResult<string?, byte[]>>(e);
        }
    }

    /// <summary>
    /// After a failed produce: aborts the transaction and records every row whose own error means it can
    /// never be published. True when such rows were found (the caller carries on); false to let the
    /// error be classified as usual.
    /// </summary>
    private async Task<bool> SetAsideUnpublishableAsync(
        TransactionalProducer<string?, byte[]> producer, IReadOnlyList<ClaimedMessage> batch, Task<DeliveryResult<string?, byte[]>>[] deliveries, CancellationToken cancellationToken)
    {
        var unpublishable = new List<(ClaimedMessage Message, string Reason)>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (deliveries[i].Exception?.InnerException is ProduceException<string?, byte[]> e && KafkaErrorClassifier.IsUnpublishable(e.Error))
            {
                unpublishable.Add((batch[i], $"{e.Error.Code}: {e.Error.Reason}"));
            }
        }

        if (unpublishable.Count == 0)
        {
            return false;
        }

        await producer.AbortTransactionAsync().ConfigureAwait(false);
        foreach (var (message, reason) in unpublishable)
        {
            await relay.Database.RunAsync(
                (connection, store) => store.MarkFailedAsync(connection, message.Id, reason, relay.Time.GetUtcNow().UtcDateTime, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            OutboxTelemetry.MessagesUnpublishable.Add(1);
            Log.MessageUnpublishable(relay.Logger, lane, message.Id, message.Topic, reason);
        }

        return true;
    }

    private static async Task TryAbortAsync(TransactionalProducer<string?, byte[]> producer)
    {
        try
        {
            await producer.AbortTransactionAsync().ConfigureAwait(false);
        }
        catch (KafkaException)
        {
            // Nothing to abort, or the producer is unusable; the next failure recreates it.
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, relay.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private Activity? StartActivity(IReadOnlyList<ClaimedMessage> batch)
    {
        if (!OutboxTelemetry.Source.HasListeners())
        {
            return null;
        }

        // Each message keeps its own trace in its headers; the batch links to all of them.
        var links = new List<ActivityLink>(batch.Count);
        foreach (var message in batch)
        {
            var headers = JsonSerializer.Deserialize(message.Headers, OutboxJsonContext.Default.DictionaryStringString);
            if (headers is not null && headers.TryGetValue(Messaging.MessageHeaders.TraceParent, out var parent)
                && ActivityContext.TryParse(parent, headers.GetValueOrDefault(Messaging.MessageHeaders.TraceState), out var context))
            {
                links.Add(new ActivityLink(context));
            }
        }

        var activity = OutboxTelemetry.Source.StartActivity("outbox publish", ActivityKind.Producer, default(ActivityContext), links: links);
        activity?.SetTag("outbox.lane", lane);
        activity?.SetTag("messaging.batch.message_count", batch.Count);
        activity?.SetTag("messaging.system", "kafka");
        return activity;
    }

    private static Headers HeadersOf(string json)
    {
        var headers = new Headers();
        var values = JsonSerializer.Deserialize(json, OutboxJsonContext.Default.DictionaryStringString);
        if (values is not null)
        {
            foreach (var (name, value) in values)
            {
                headers.Add(name, Encoding.UTF8.GetBytes(value));
            }
        }

        return headers;
    }
}
