using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.Messaging.Kafka;
using Outbox.Transactions.Diagnostics;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>
/// Owns the pipeline's consumer (read_committed, no auto commit) and its thread. The consumer polls only while
/// the loop awaits <see cref="PollAsync"/>, so rebalance callbacks run at that point only: never while a record
/// is handled or a transaction commits.
/// </summary>
internal sealed class PipelineConsumer : IPipelineConsumer
{
    // How long one Consume call may block; bounds how late a stop request is noticed.
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);

    private readonly PipelineSettings _settings;
    private readonly ILogger _logger;
    private readonly DedicatedThread _thread;
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private Action _onPartitionsRevoked = () => { };
    private bool _revoked;

    public PipelineConsumer(PipelineSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _thread = new DedicatedThread($"outbox-consume {settings.TransactionalId}");
    }

    public IConsumerGroupMetadata? GroupMetadata => _consumer?.ConsumerGroupMetadata;

    private IConsumer<byte[]?, byte[]?> Consumer =>
        _consumer ?? throw new InvalidOperationException("The consumer is not subscribed.");

    public Task SubscribeAsync(IReadOnlyList<string> topics, Action onPartitionsRevoked, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _onPartitionsRevoked = onPartitionsRevoked;
        var config = _settings.Kafka.CreateConsumerConfig(_settings.GroupId);
        return _thread.RunAsync(() =>
        {
            _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
                .SetLogHandler((_, message) => Log.Client(_logger, message.Name, message.Facility, message.Message))
                .SetErrorHandler((_, error) => Log.ConsumerError(_logger, _settings.Name, error.Code, error.Reason))
                .SetPartitionsAssignedHandler((_, partitions) => Log.Assigned(_logger, _settings.Name, string.Join(", ", partitions)))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition)))
                .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition)))
                .Build();
            _consumer.Subscribe(topics);
        });
    }

    public Task<PollResult> PollAsync(int maxRecords, TimeSpan maxWait, CancellationToken cancellationToken) =>
        _thread.RunAsync(() => Poll(maxRecords, maxWait, cancellationToken));

    public Task RewindToCommittedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _thread.RunAsync(() =>
        {
            var consumer = Consumer;
            var assignment = consumer.Assignment;
            if (assignment.Count == 0)
            {
                return;
            }

            // Committed offsets come from the broker, not from our own bookkeeping: after a commit whose
            // outcome is unknown (a rebuilt producer), only the group coordinator knows what was committed.
            foreach (var committed in consumer.Committed(assignment, _settings.OperationTimeout))
            {
                var offset = committed.Offset.IsSpecial ? StartOffset(committed.TopicPartition) : committed;
                consumer.Seek(offset);
            }

            Log.Rewound(_logger, _settings.Name, string.Join(", ", assignment));
        });
    }

    public Task CloseAsync() =>
        _consumer is { } consumer ? _thread.RunAsync(() => GroupExit.LeaveAndClose(consumer, _settings.OperationTimeout)) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _consumer, null) is { } consumer)
        {
            await _thread.RunAsync(consumer.Dispose).ConfigureAwait(false);
        }

        _thread.Dispose();
    }

    private PollResult Poll(int maxRecords, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var consumer = Consumer;
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + maxWait;
        var revoked = false;
        while (records.Count < maxRecords && !cancellationToken.IsCancellationRequested)
        {
            // Wait for the first record; after it, take only what is already fetched so handling starts promptly.
            var remaining = records.Count == 0 ? deadline - DateTime.UtcNow : TimeSpan.Zero;
            if (remaining < TimeSpan.Zero)
            {
                break;
            }

            ConsumeResult<byte[]?, byte[]?>? result;
            _revoked = false;
            try
            {
                result = consumer.Consume(remaining < PollSlice ? remaining : PollSlice);
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal && KafkaErrorClassifier.Classify(exception.Error) == KafkaErrorAction.Retry)
            {
                // For example a subscribed topic not created yet: the consumer recovers by itself.
                Log.ConsumerError(_logger, _settings.Name, exception.Error.Code, exception.Error.Reason);
                continue;
            }

            if (_revoked)
            {
                // The callback aborted the transaction. Records taken before it belong to the old assignment: drop
                // them (the new assignment starts from the committed offsets). A record this same call returned
                // came after the revocation, from the new assignment: keep it, or it would be skipped.
                revoked = true;
                records.Clear();
            }

            if (result is null)
            {
                if (records.Count > 0)
                {
                    break;
                }

                continue;
            }

            if (!result.IsPartitionEOF)
            {
                records.Add(result);
            }
        }

        return new PollResult(records, revoked);
    }

    private void OnRevoked(IEnumerable<TopicPartition> partitions)
    {
        Log.Revoked(_logger, _settings.Name, string.Join(", ", partitions));
        _revoked = true;
        _onPartitionsRevoked();
    }

    private TopicPartitionOffset StartOffset(TopicPartition partition) =>
        new(partition, _settings.Kafka.Properties.TryGetValue("auto.offset.reset", out var reset)
            && reset is "latest" or "largest" or "end" ? Offset.End : Offset.Beginning);
}
