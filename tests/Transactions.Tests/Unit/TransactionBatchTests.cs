using Confluent.Kafka;
using Outbox.Transactions.Internal;

namespace Outbox.Transactions.Tests.Unit;

public sealed class TransactionBatchTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Offsets_to_commit_are_one_past_the_last_record_of_each_partition()
    {
        var batch = new TransactionBatch();
        batch.Open(Now.AddSeconds(1), null);
        batch.Add(new TopicPartitionOffset("in", 0, 5));
        batch.Add(new TopicPartitionOffset("in", 1, 10));
        batch.Add(new TopicPartitionOffset("in", 0, 6));
        batch.Add(new TopicPartitionOffset("other", 0, 0));

        Assert.Equal(4, batch.Count);
        Assert.Equal(
            [new TopicPartitionOffset("in", 0, 7), new TopicPartitionOffset("in", 1, 11), new TopicPartitionOffset("other", 0, 1)],
            batch.Offsets().OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition.Value));
    }

    [Fact]
    public void A_batch_is_due_when_full_or_when_its_commit_interval_has_passed()
    {
        var batch = new TransactionBatch();
        Assert.False(batch.IsDue(Now, 1));
        batch.Open(Now.AddMilliseconds(100), null);
        batch.Add(new TopicPartitionOffset("in", 0, 0));

        Assert.False(batch.IsDue(Now, 2));
        Assert.True(batch.IsDue(Now, 1));
        Assert.True(batch.IsDue(Now.AddMilliseconds(100), 2));
    }

    [Fact]
    public void Reset_forgets_records_and_closes_the_batch()
    {
        var batch = new TransactionBatch();
        batch.Open(Now, null);
        batch.Add(new TopicPartitionOffset("in", 0, 3));
        batch.Reset();

        Assert.False(batch.IsOpen);
        Assert.Equal(0, batch.Count);
        Assert.Empty(batch.Offsets());
    }

    [Fact]
    public void Going_back_within_a_partition_is_a_bug_and_fails_loudly()
    {
        var batch = new TransactionBatch();
        batch.Open(Now, null);
        batch.Add(new TopicPartitionOffset("in", 0, 3));

        Assert.Throws<InvalidOperationException>(() => batch.Add(new TopicPartitionOffset("in", 0, 2)));
        Assert.Throws<InvalidOperationException>(() => batch.Open(Now, null));
    }

    [Fact]
    public void Records_are_added_to_an_open_batch_only()
    {
        Assert.Throws<InvalidOperationException>(() => new TransactionBatch().Add(new TopicPartitionOffset("in", 0, 0)));
    }
}
