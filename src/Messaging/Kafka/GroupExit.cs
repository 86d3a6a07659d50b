using Confluent.Kafka;

namespace Outbox.Messaging.Kafka;

/// <summary>
/// Closes a subscribed consumer by leaving its group first. librdkafka 2.16 can block forever in <c>Close</c> when
/// the close itself has to revoke the assignment: the unassign it makes from inside the close waits for a reply
/// that never comes (confluentinc/librdkafka#4884). Unsubscribing and polling until nothing is assigned runs the
/// revocation in an ordinary poll instead, so the close has nothing left to revoke.
/// </summary>
internal static class GroupExit
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Unsubscribes, polls until the assignment is empty or <paramref name="timeout"/> passes, then closes. Records
    /// the polls still return are not handed to anyone: they belong to partitions being released, and whoever owns
    /// them next reads them again from the committed offsets.
    /// </summary>
    public static void LeaveAndClose<TKey, TValue>(IConsumer<TKey, TValue> consumer, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            consumer.Unsubscribe();
            while (consumer.Assignment.Count > 0 && DateTime.UtcNow < deadline)
            {
                try
                {
                    consumer.Consume(PollSlice);
                }
                catch (ConsumeException exception) when (!exception.Error.IsFatal)
                {
                    // A record or topic error of a partition being released: keep polling until the revocation has run.
                }
            }
        }
        catch (KafkaException)
        {
            // A consumer that cannot unsubscribe or poll any more is closed as it is; the close leaves the group too.
        }

        consumer.Close();
    }
}
