using Confluent.Kafka;
using Outbox.EmbeddedKafka.Protocol;
using Xunit;
using ErrorCode = Outbox.EmbeddedKafka.Protocol.ErrorCode;

namespace Outbox.EmbeddedKafka.Tests.Persistence;

/// <summary>Transactions across a restart: the outcome of an ended one stands, an open one is aborted.</summary>
public sealed class TransactionRestartTests
{
    [Fact]
    public async Task Committed_stays_committed_aborted_stays_aborted_and_open_is_aborted()
    {
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync(o => o.DefaultPartitions = 2))
        {
            lock (broker.Cluster.Sync)
            {
                Assert.Equal(ErrorCode.None, broker.Cluster.CreateTopic("payments", 2, new Dictionary<string, string?>(), out _));
                var p0 = broker.Cluster.FindPartition("payments", 0)!;
                var p1 = broker.Cluster.FindPartition("payments", 1)!;
                Append(p0, TestBatch.Create(["plain-1"]));
                Append(p0, TestBatch.Create(["committed-1", "committed-2"], producerId: 5001, producerEpoch: 0, baseSequence: 0, transactional: true));
                Append(p1, TestBatch.Create(["committed-3"], producerId: 5001, producerEpoch: 0, baseSequence: 0, transactional: true));
                Append(p0, TestBatch.Create(["aborted-1"], producerId: 5002, producerEpoch: 3, baseSequence: 0, transactional: true));
                p0.EndTransaction(5001, 0, commit: true, broker.Cluster.NowMs);
                p1.EndTransaction(5001, 0, commit: true, broker.Cluster.NowMs);
                Append(p1, TestBatch.Create(["open-1"], producerId: 5003, producerEpoch: 1, baseSequence: 0, transactional: true));
                p0.EndTransaction(5002, 3, commit: false, broker.Cluster.NowMs);
                Append(p0, TestBatch.Create(["open-2"], producerId: 5003, producerEpoch: 1, baseSequence: 0, transactional: true));
                Append(p0, TestBatch.Create(["plain-2"]));
                Assert.Equal(p0.Batches.Single(b => b.ProducerId == 5003).BaseOffset, p0.LastStableOffset);
            }
        }

        await using (var broker = await data.StartBrokerAsync(o => o.DefaultPartitions = 2))
        {
            lock (broker.Cluster.Sync)
            {
                foreach (var log in broker.Cluster.Topics["payments"].Partitions)
                {
                    Assert.Empty(log.OpenTransactions);
                    Assert.Equal(log.HighWatermark, log.LastStableOffset);
                    Assert.True(log.Batches[^1].IsControl, "the open transaction ends with an ABORT marker");
                }
            }

            var committed = DataDirectory.ReadAll(broker, "payments", 2, IsolationLevel.ReadCommitted).Select(r => r.Message.Value).Order();
            Assert.Equal(["committed-1", "committed-2", "committed-3", "plain-1", "plain-2"], committed);
            var everything = DataDirectory.ReadAll(broker, "payments", 2).Select(r => r.Message.Value).Order();
            Assert.Equal(["aborted-1", "committed-1", "committed-2", "committed-3", "open-1", "open-2", "plain-1", "plain-2"], everything);
        }

        // The ABORT markers written at the last start are part of the log now: nothing changes on a further restart.
        await using var again = await data.StartBrokerAsync(o => o.DefaultPartitions = 2);
        var stillCommitted = DataDirectory.ReadAll(again, "payments", 2, IsolationLevel.ReadCommitted).Select(r => r.Message.Value).Order();
        Assert.Equal(["committed-1", "committed-2", "committed-3", "plain-1", "plain-2"], stillCommitted);
        lock (again.Cluster.Sync)
        {
            Assert.Equal(2, again.Cluster.FindPartition("payments", 0)!.Batches.Count(b => b.IsControl && b.ProducerId != 5001));
        }
    }

    [Fact]
    public async Task Idempotence_state_survives_so_a_retried_batch_is_recognised_as_a_duplicate()
    {
        using var data = new DataDirectory();
        var batch = TestBatch.Create(["once"], producerId: 6001, producerEpoch: 0, baseSequence: 0);
        await using (var broker = await data.StartBrokerAsync())
        {
            lock (broker.Cluster.Sync)
            {
                Assert.Equal(ErrorCode.None, broker.Cluster.CreateTopic("dedup", 1, new Dictionary<string, string?>(), out _));
                Append(broker.Cluster.FindPartition("dedup", 0)!, batch);
            }
        }

        await using var restarted = await data.StartBrokerAsync();
        lock (restarted.Cluster.Sync)
        {
            var log = restarted.Cluster.FindPartition("dedup", 0)!;
            Assert.Equal(ErrorCode.DuplicateSequenceNumber, log.CheckSequence(RecordBatchHeader.Read(batch), out var duplicateOf));
            Assert.Equal(0, duplicateOf);
            var next = TestBatch.Create(["twice"], producerId: 6001, producerEpoch: 0, baseSequence: 2);
            Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, log.CheckSequence(RecordBatchHeader.Read(next), out _));
        }
    }

    private static void Append(State.PartitionLog log, byte[] batch)
    {
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(ErrorCode.None, log.CheckSequence(header, out _));
        log.Append(batch, header);
    }
}
