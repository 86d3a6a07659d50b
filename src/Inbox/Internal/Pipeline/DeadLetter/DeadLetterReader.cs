using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Outbox.Inbox.Internal.Pipeline.DeadLetter;

/// <summary>Reads one record back from a dead-letter topic by position, for requeueing and releasing parked events.</summary>
internal sealed class DeadLetterReader
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly InboxOptions _options;

    public DeadLetterReader(IOptions<InboxOptions> options) => _options = options.Value;

    public Task<ConsumeResult<byte[]?, byte[]?>> ReadAsync(TopicPartitionOffset position, CancellationToken cancellationToken) =>
        // Consume blocks its thread, so it runs on one of its own rather than on the thread pool.
        Task.Factory.StartNew(() => Read(position, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private ConsumeResult<byte[]?, byte[]?> Read(TopicPartitionOffset position, CancellationToken cancellationToken)
    {
        // Assigned, never subscribed: the group id is required by the client but no offsets are committed.
        var config = _options.Kafka.CreateConsumerConfig(_options.ConsumerGroup + "-dead-letter-reader");
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(position);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadTimeout);
        try
        {
            while (true)
            {
                var result = consumer.Consume(timeout.Token);
                if (result.Offset == position.Offset)
                {
                    return result;
                }

                if (result.Offset > position.Offset)
                {
                    throw new InvalidOperationException($"The dead-letter record at {position} no longer exists (deleted by retention?).");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The dead-letter record at {position} could not be read within {ReadTimeout}.");
        }
        finally
        {
            consumer.Close();
        }
    }
}
