using Outbox.Inbox.Internal.Consuming;
using Xunit;

namespace Outbox.Inbox.Tests.Consuming;

public sealed class PartitionWatermarkTests
{
    [Fact]
    public void Nothing_is_committed_before_a_record_was_tracked()
    {
        var watermark = new PartitionWatermark();
        Assert.Null(watermark.CommitOffset);
    }

    [Fact]
    public void A_tracked_unfinished_record_is_the_commit_point()
    {
        var watermark = new PartitionWatermark();
        watermark.Track(5);
        Assert.Equal(5, watermark.CommitOffset);
    }

    [Fact]
    public void Finishing_in_order_moves_the_commit_point_past_the_last_record()
    {
        var watermark = new PartitionWatermark();
        watermark.Track(0);
        watermark.Track(1);
        watermark.Complete(0);
        Assert.Equal(1, watermark.CommitOffset);
        watermark.Complete(1);
        Assert.Equal(2, watermark.CommitOffset);
        Assert.Equal(0, watermark.Unfinished);
    }

    [Fact]
    public void A_later_record_finishing_first_does_not_move_the_commit_point_past_an_unfinished_one()
    {
        var watermark = new PartitionWatermark();
        foreach (var offset in new long[] { 10, 11, 12, 13 })
        {
            watermark.Track(offset);
        }

        watermark.Complete(12);
        watermark.Complete(11);
        Assert.Equal(10, watermark.CommitOffset);
        Assert.Equal(2, watermark.Unfinished);

        watermark.Complete(10);
        Assert.Equal(13, watermark.CommitOffset);
        watermark.Complete(13);
        Assert.Equal(14, watermark.CommitOffset);
    }

    [Fact]
    public void Gaps_between_offsets_from_transaction_markers_are_skipped()
    {
        var watermark = new PartitionWatermark();
        watermark.Track(3);
        watermark.Track(7);
        watermark.Complete(7);
        Assert.Equal(3, watermark.CommitOffset);
        watermark.Complete(3);
        Assert.Equal(8, watermark.CommitOffset);
    }

    [Fact]
    public void Tracking_an_offset_out_of_order_is_refused()
    {
        var watermark = new PartitionWatermark();
        watermark.Track(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => watermark.Track(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => watermark.Track(4));
    }

    [Fact]
    public void Completing_an_untracked_or_already_completed_offset_is_refused()
    {
        var watermark = new PartitionWatermark();
        watermark.Track(1);
        watermark.Track(2);
        Assert.Throws<InvalidOperationException>(() => watermark.Complete(0));
        Assert.Throws<InvalidOperationException>(() => watermark.Complete(3));
        watermark.Complete(2);
        Assert.Throws<InvalidOperationException>(() => watermark.Complete(2));
        watermark.Complete(1);
        Assert.Throws<InvalidOperationException>(() => watermark.Complete(1));
    }

    [Fact]
    public void Random_completion_order_never_commits_past_an_unfinished_offset()
    {
        var random = new Random(4711);
        var watermark = new PartitionWatermark();
        var offsets = Enumerable.Range(0, 2000).Select(i => (long)(i * 2)).ToArray();
        foreach (var offset in offsets)
        {
            watermark.Track(offset);
        }

        var unfinished = new SortedSet<long>(offsets);
        foreach (var offset in offsets.OrderBy(_ => random.Next()))
        {
            watermark.Complete(offset);
            unfinished.Remove(offset);
            var expected = unfinished.Count > 0 ? unfinished.Min : offsets[^1] + 1;
            Assert.Equal(expected, watermark.CommitOffset);
        }
    }

    [Fact]
    public void Completions_from_many_threads_end_one_past_the_last_offset()
    {
        var watermark = new PartitionWatermark();
        for (long offset = 0; offset < 10_000; offset++)
        {
            watermark.Track(offset);
        }

        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => watermark.Complete(i));
        Assert.Equal(10_000, watermark.CommitOffset);
        Assert.Equal(0, watermark.Unfinished);
    }
}
