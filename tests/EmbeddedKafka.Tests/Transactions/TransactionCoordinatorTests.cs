using Microsoft.Extensions.Logging.Abstractions;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

/// <summary>The coordinator's answers in the situations librdkafka rarely or never creates on its own.</summary>
public sealed class TransactionCoordinatorTests
{
    private const int Timeout = 60_000;
    private readonly Cluster _cluster = new(new EmbeddedKafkaOptions(), TimeProvider.System, NullLogger.Instance);

    public TransactionCoordinatorTests()
    {
        lock (_cluster.Sync)
        {
            _cluster.CreateTopic("t", 2, new Dictionary<string, string?>(), out _);
        }
    }

    private TransactionCoordinator Coordinator => _cluster.Transactions;

    [Fact]
    public void Each_new_instance_keeps_the_producer_id_and_gets_the_next_epoch()
    {
        var (pid, epoch) = Init("a");
        Assert.Equal((pid, (short)(epoch + 1)), Init("a"));
        Assert.NotEqual(pid, Init("b").ProducerId);
    }

    [Fact]
    public void A_bump_with_the_current_producer_id_and_epoch_is_accepted_and_its_retry_answered_alike()
    {
        var (pid, epoch) = Init("a");
        var bumped = Init("a", pid, epoch);
        Assert.Equal((pid, (short)(epoch + 1)), bumped);
        Assert.Equal(bumped, Init("a", pid, epoch));
        Assert.Equal(ErrorCode.ProducerFenced, Coordinator.InitProducerId("a", Timeout, pid, (short)(epoch + 5), out _, out _));
        Assert.Equal(ErrorCode.ProducerFenced, Coordinator.InitProducerId("a", Timeout, pid + 1, bumped.Epoch, out _, out _));

        // An expired or forgotten transactional id starts over, so a recovering producer is not fenced.
        var restarted = Init("unknown", pid, epoch);
        Assert.NotEqual(pid, restarted.ProducerId);
        Assert.Equal(0, restarted.Epoch);
    }

    [Fact]
    public void A_new_instance_does_not_let_the_previous_one_bump_its_way_back()
    {
        var (pid, epoch) = Init("a");
        Init("a");
        Assert.Equal(ErrorCode.ProducerFenced, Coordinator.InitProducerId("a", Timeout, pid, epoch, out _, out _));
    }

    [Fact]
    public void An_exhausted_epoch_moves_the_transactional_id_to_a_new_producer_id()
    {
        var (first, epoch) = Init("a");
        while (epoch < short.MaxValue - 1)
        {
            (_, epoch) = Init("a");
        }

        var (next, nextEpoch) = Init("a");
        Assert.NotEqual(first, next);
        Assert.Equal(0, nextEpoch);
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, Coordinator.EndTransaction("a", first, epoch, commit: false));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15 * 60 * 1000 + 1)]
    public void A_timeout_outside_the_broker_limit_is_refused(int timeoutMs) =>
        Assert.Equal(ErrorCode.InvalidTransactionTimeout, Coordinator.InitProducerId("a", timeoutMs, -1, -1, out _, out _));

    [Fact]
    public void Requests_of_a_fenced_instance_or_an_unknown_producer_are_refused()
    {
        var (pid, epoch) = Init("a");
        Init("a");
        Assert.Equal([ErrorCode.ProducerFenced], Coordinator.AddPartitions("a", pid, epoch, [("t", 0)]));
        Assert.Equal(ErrorCode.ProducerFenced, Coordinator.AddOffsets("a", pid, epoch, "g"));
        Assert.Equal(ErrorCode.ProducerFenced, Coordinator.EndTransaction("a", pid, epoch, commit: true));
        Assert.Equal([ErrorCode.InvalidProducerIdMapping], Coordinator.AddPartitions("a", pid + 100, epoch, [("t", 0)]));
        Assert.Equal([ErrorCode.InvalidProducerIdMapping], Coordinator.AddPartitions("nobody", pid, epoch, [("t", 0)]));
        lock (_cluster.Sync)
        {
            Assert.Equal(ErrorCode.InvalidProducerEpoch, Coordinator.ValidateProduce("a", Batch(pid, epoch, transactional: true), "t", 0));
        }
    }

    [Fact]
    public void Unknown_partitions_fail_alone_and_nothing_is_added()
    {
        var (pid, epoch) = Init("a");
        Assert.Equal([ErrorCode.OperationNotAttempted, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicOrPartition],
            Coordinator.AddPartitions("a", pid, epoch, [("t", 0), ("t", 7), ("missing", 0)]));
        lock (_cluster.Sync)
        {
            Assert.Equal(TransactionState.Empty, Coordinator.Find("a")!.State);
        }
    }

    [Fact]
    public void Only_added_partitions_of_the_open_transaction_accept_its_batches()
    {
        var (pid, epoch) = Init("a");
        lock (_cluster.Sync)
        {
            Assert.Equal(ErrorCode.InvalidTxnState, Coordinator.ValidateProduce("a", Batch(pid, epoch, transactional: true), "t", 0));
        }

        Coordinator.AddPartitions("a", pid, epoch, [("t", 0)]);
        lock (_cluster.Sync)
        {
            Assert.Equal(ErrorCode.None, Coordinator.ValidateProduce("a", Batch(pid, epoch, transactional: true), "t", 0));
            Assert.Equal(ErrorCode.InvalidTxnState, Coordinator.ValidateProduce("a", Batch(pid, epoch, transactional: true), "t", 1));
            Assert.Equal(ErrorCode.InvalidTxnState, Coordinator.ValidateProduce(null, Batch(pid, epoch, transactional: false), "t", 1));
            Assert.Equal(ErrorCode.InvalidProducerIdMapping, Coordinator.ValidateProduce("a", Batch(pid + 1, epoch, transactional: true), "t", 0));
        }
    }

    [Fact]
    public void Ending_a_transaction_moves_through_the_states_and_a_retry_of_the_same_outcome_succeeds()
    {
        var (pid, epoch) = Init("a");
        Assert.Equal(ErrorCode.InvalidTxnState, Coordinator.EndTransaction("a", pid, epoch, commit: true));
        Coordinator.AddPartitions("a", pid, epoch, [("t", 0), ("t", 1)]);
        lock (_cluster.Sync)
        {
            Assert.Equal(TransactionState.Ongoing, Coordinator.Find("a")!.State);
        }

        Assert.Equal(ErrorCode.None, Coordinator.EndTransaction("a", pid, epoch, commit: true));
        Assert.Equal(ErrorCode.None, Coordinator.EndTransaction("a", pid, epoch, commit: true));
        Assert.Equal(ErrorCode.InvalidTxnState, Coordinator.EndTransaction("a", pid, epoch, commit: false));
        lock (_cluster.Sync)
        {
            Assert.Equal(TransactionState.CompleteCommit, Coordinator.Find("a")!.State);
            Assert.All(_cluster.Topics["t"].Partitions, p => Assert.Equal(1, p.HighWatermark)); // one marker each, nothing produced
        }
    }

    [Fact]
    public void Offsets_need_their_group_added_and_become_visible_only_on_commit()
    {
        var (pid, epoch) = Init("a");
        var offset = new CommittedOffset(42, -1, null, 0);
        Assert.Equal([ErrorCode.InvalidTxnState], Coordinator.CommitOffsets("a", pid, epoch, "g", -1, "", null, [("t", 0, offset)]));
        Assert.Equal(ErrorCode.None, Coordinator.AddOffsets("a", pid, epoch, "g"));
        Assert.Equal([ErrorCode.None], Coordinator.CommitOffsets("a", pid, epoch, "g", -1, "", null, [("t", 0, offset)]));
        Assert.True(_cluster.Groups.HasPendingOffset("g", "t", 0));
        Assert.Null(_cluster.Groups.FindOffset("g", "t", 0));

        Assert.Equal(ErrorCode.None, Coordinator.EndTransaction("a", pid, epoch, commit: true));
        Assert.False(_cluster.Groups.HasPendingOffset("g", "t", 0));
        Assert.Equal(42, _cluster.Groups.FindOffset("g", "t", 0)!.Offset);
    }

    [Fact]
    public void A_new_instance_aborts_the_open_transaction_and_drops_its_offsets()
    {
        var (pid, epoch) = Init("a");
        Coordinator.AddPartitions("a", pid, epoch, [("t", 0)]);
        Coordinator.AddOffsets("a", pid, epoch, "g");
        Coordinator.CommitOffsets("a", pid, epoch, "g", -1, "", null, [("t", 0, new CommittedOffset(7, -1, null, 0))]);

        Assert.Equal((pid, (short)(epoch + 1)), Init("a"));
        Assert.False(_cluster.Groups.HasPendingOffset("g", "t", 0));
        Assert.Null(_cluster.Groups.FindOffset("g", "t", 0));
        lock (_cluster.Sync)
        {
            Assert.Equal(TransactionState.Empty, Coordinator.Find("a")!.State);
            Assert.True(_cluster.Topics["t"].Partitions[0].Batches[0].IsControl);
        }
    }

    [Fact]
    public void A_timed_out_transaction_is_aborted_and_its_producer_fenced()
    {
        var (pid, epoch) = Init("a", timeoutMs: 1000);
        Coordinator.AddPartitions("a", pid, epoch, [("t", 0)]);
        Coordinator.Tick(_cluster.NowMs + 500);
        Assert.Equal(ErrorCode.None, Coordinator.AddPartitions("a", pid, epoch, [("t", 1)])[0]);

        Coordinator.Tick(_cluster.NowMs + 2000);
        lock (_cluster.Sync)
        {
            var txn = Coordinator.Find("a")!;
            Assert.Equal((TransactionState.CompleteAbort, (short)(epoch + 1)), (txn.State, txn.Epoch));
            Assert.All(_cluster.Topics["t"].Partitions, p => Assert.True(p.Batches[0].IsControl));
        }

        Assert.Equal(ErrorCode.ProducerFenced, Coordinator.EndTransaction("a", pid, epoch, commit: true));
        Assert.Equal((pid, (short)(epoch + 2)), Init("a"));
    }

    [Fact]
    public void An_idle_transactional_id_expires_after_seven_days_but_an_open_transaction_keeps_it()
    {
        var (idle, _) = Init("idle");
        var (busy, busyEpoch) = Init("busy", timeoutMs: 15 * 60 * 1000);
        Coordinator.AddPartitions("busy", busy, busyEpoch, [("t", 0)]);

        Coordinator.Tick(_cluster.NowMs + (long)TimeSpan.FromDays(7).TotalMilliseconds + 1000);
        lock (_cluster.Sync)
        {
            Assert.Null(Coordinator.Find("idle"));
            Assert.Equal(TransactionState.CompleteAbort, Coordinator.Find("busy")!.State); // timed out, not expired
        }

        Assert.NotEqual(idle, Init("idle").ProducerId);
    }

    private (long ProducerId, short Epoch) Init(string transactionalId, long producerId = -1, short epoch = -1, int timeoutMs = Timeout)
    {
        Assert.Equal(ErrorCode.None, Coordinator.InitProducerId(transactionalId, timeoutMs, producerId, epoch, out var newProducerId, out var newEpoch));
        return (newProducerId, newEpoch);
    }

    private static RecordBatchHeader Batch(long producerId, short epoch, bool transactional) =>
        new(0, 0, 0, 2, 0, transactional ? RecordBatchHeader.TransactionalFlag : (short)0, 0, 0, 0, producerId, epoch, 0, 1);
}
