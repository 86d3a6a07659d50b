using Confluent.Kafka;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Storage;
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
    public async Task Transactional_clients_see_the_same_outcomes_after_a_restart_and_the_open_transaction_is_fenced()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        var partition = new TopicPartition("ledger", 0);
        int port;
        long producerId;
        short epoch;
        var crashed = TransactionalProducer(null, "crashed");
        try
        {
            await using (var broker = await data.StartBrokerAsync())
            {
                port = broker.Port;
                using (var committer = TransactionalProducer(broker, "committer"))
                {
                    committer.InitTransactions(Timeout);
                    committer.BeginTransaction();
                    await committer.ProduceAsync(partition, new Message<string?, string> { Value = "committed" }, ct);
                    committer.CommitTransaction(Timeout);
                }

                using (var aborter = TransactionalProducer(broker, "aborter"))
                {
                    aborter.InitTransactions(Timeout);
                    aborter.BeginTransaction();
                    await aborter.ProduceAsync(partition, new Message<string?, string> { Value = "aborted" }, ct);
                    aborter.AbortTransaction(Timeout);
                }

                crashed.Dispose();
                crashed = TransactionalProducer(broker, "crashed");
                crashed.InitTransactions(Timeout);
                crashed.BeginTransaction();
                await crashed.ProduceAsync(partition, new Message<string?, string> { Value = "open" }, ct);
                lock (broker.Cluster.Sync)
                {
                    var txn = broker.Cluster.Transactions.Find("crashed")!;
                    (producerId, epoch) = (txn.ProducerId, txn.Epoch);
                }
            }

            // Same port: the producer that was mid-transaction reconnects to the restarted broker.
            await using var restarted = await data.StartBrokerAsync(o => o.Port = port);
            lock (restarted.Cluster.Sync)
            {
                var txn = restarted.Cluster.Transactions.Find("crashed")!;
                Assert.Equal(producerId, txn.ProducerId);
                Assert.True(txn.Epoch > epoch, "the producer caught mid-transaction is fenced");
                Assert.Empty(restarted.Cluster.FindPartition("ledger", 0)!.OpenTransactions);
            }

            Assert.ThrowsAny<KafkaException>(() => crashed.CommitTransaction(Timeout));
            Assert.Equal(["committed"], DataDirectory.ReadAll(restarted, "ledger", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value));
            Assert.Equal(["committed", "aborted", "open"], DataDirectory.ReadAll(restarted, "ledger", 1).Select(r => r.Message.Value));

            // A new instance of the transactional id carries on with the same producer id.
            using var successor = TransactionalProducer(restarted, "crashed");
            successor.InitTransactions(Timeout);
            successor.BeginTransaction();
            await successor.ProduceAsync(partition, new Message<string?, string> { Value = "successor" }, ct);
            successor.CommitTransaction(Timeout);
            Assert.Equal(["committed", "successor"], DataDirectory.ReadAll(restarted, "ledger", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value));
            lock (restarted.Cluster.Sync)
            {
                Assert.Equal(producerId, restarted.Cluster.Transactions.Find("crashed")!.ProducerId);
            }
        }
        finally
        {
            crashed.Dispose();
        }
    }

    [Fact]
    public async Task A_transactional_producer_carries_on_across_a_restart_between_transactions()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        var partition = new TopicPartition("carried-on", 0);
        var broker = await data.StartBrokerAsync();
        var port = broker.Port;
        using var survivor = TransactionalProducer(broker, "survivor");
        try
        {
            survivor.InitTransactions(Timeout);
            survivor.BeginTransaction();
            await survivor.ProduceAsync(partition, new Message<string?, string> { Value = "before" }, ct);
            survivor.CommitTransaction(Timeout);
        }
        finally
        {
            await broker.DisposeAsync();
        }

        // The restarted broker still knows the producer id and epoch: the next transaction just works.
        await using var restarted = await data.StartBrokerAsync(o => o.Port = port);
        survivor.BeginTransaction();
        await survivor.ProduceAsync(partition, new Message<string?, string> { Value = "after" }, ct);
        survivor.CommitTransaction(Timeout);
        Assert.Equal(["before", "after"], DataDirectory.ReadAll(restarted, "carried-on", 1, IsolationLevel.ReadCommitted).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_transaction_stopped_while_committing_is_completed_at_restart()
    {
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            var cluster = broker.Cluster;
            lock (cluster.Sync)
            {
                Assert.Equal(ErrorCode.None, cluster.CreateTopic("halfway", 2, new Dictionary<string, string?>(), out _));
                Assert.Equal(ErrorCode.None, cluster.Transactions.InitProducerId("halfway-txn", 60_000, -1, -1, out var producerId, out var epoch));
                Assert.All(cluster.Transactions.AddPartitions("halfway-txn", producerId, epoch, [("halfway", 0), ("halfway", 1)]), e => Assert.Equal(ErrorCode.None, e));
                Append(cluster.FindPartition("halfway", 0)!, TestBatch.Create(["first"], producerId, epoch, baseSequence: 0, transactional: true));
                Append(cluster.FindPartition("halfway", 1)!, TestBatch.Create(["second"], producerId, epoch, baseSequence: 0, transactional: true));

                // A failure between the two markers leaves what a crash there would: PrepareCommit journaled, one marker written.
                var second = cluster.FindPartition("halfway", 1)!;
                var storage = second.Storage!;
                second.Storage = new MarkersFail(storage);
                Assert.Throws<IOException>(() => cluster.Transactions.EndTransaction("halfway-txn", producerId, epoch, commit: true));
                second.Storage = storage;
                Assert.Equal(State.TransactionState.PrepareCommit, cluster.Transactions.Find("halfway-txn")!.State);
                Assert.Single(second.OpenTransactions);
            }
        }

        await using var restarted = await data.StartBrokerAsync();
        Assert.Equal(["first", "second"], DataDirectory.ReadAll(restarted, "halfway", 2, IsolationLevel.ReadCommitted).Select(r => r.Message.Value).Order());
        lock (restarted.Cluster.Sync)
        {
            Assert.Equal(State.TransactionState.CompleteCommit, restarted.Cluster.Transactions.Find("halfway-txn")!.State);
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

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static IProducer<string?, string> TransactionalProducer(EmbeddedKafkaBroker? broker, string transactionalId) =>
        new ProducerBuilder<string?, string>(new ProducerConfig
        {
            BootstrapServers = broker?.BootstrapServers ?? "127.0.0.1:9",
            TransactionalId = transactionalId,
            LingerMs = 1,
        }).Build();

    private sealed class MarkersFail(IPartitionStorage inner) : IPartitionStorage
    {
        public void Append(State.StoredBatch batch)
        {
            if (batch.IsControl)
            {
                throw new IOException("No space left on device");
            }

            inner.Append(batch);
        }

        public void DeleteBefore(long logStartOffset) => inner.DeleteBefore(logStartOffset);
    }

    private static void Append(State.PartitionLog log, byte[] batch)
    {
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(ErrorCode.None, log.CheckSequence(header, out _));
        log.Append(batch, header);
    }
}
