using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Processing;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.Unit;

public sealed class PipelineLoopTests
{
    private FakeKafka _kafka = new("orders", partitions: 3, recordsPerPartition: 40);

    [Fact]
    public async Task Every_input_is_committed_once_with_its_output_in_batches_of_at_most_the_batch_size()
    {
        await RunUntilAllCommittedAsync(maxBatchSize: 25);

        AssertExactlyOnceInOrder();
        Assert.All(_kafka.CommittedBatchSizes, size => Assert.InRange(size, 1, 25));
        Assert.Equal(0, _kafka.Producer.Aborts);
    }

    [Fact]
    public async Task A_batch_larger_than_a_poll_is_taken_in_polls_of_at_most_max_poll_records()
    {
        _kafka = new FakeKafka("orders", partitions: 3, recordsPerPartition: PipelineLoop.MaxPollRecords);

        await RunUntilAllCommittedAsync(maxBatchSize: 10 * PipelineLoop.MaxPollRecords);

        AssertExactlyOnceInOrder();
        Assert.Equal(PipelineLoop.MaxPollRecords, _kafka.Consumer.LargestPoll);
    }

    [Fact]
    public async Task A_transaction_that_requires_abort_is_aborted_and_its_records_handled_again_from_the_committed_offsets()
    {
        _kafka.Producer.FailCommit = n => n == 2 ? new KafkaTxnRequiresAbortException(new Error(ErrorCode.Local_MsgTimedOut, "test", false)) : null;

        await RunUntilAllCommittedAsync(maxBatchSize: 25);

        AssertExactlyOnceInOrder();
        Assert.Equal(1, _kafka.Producer.Aborts);
        Assert.Equal(1, _kafka.Consumer.Rewinds);
        Assert.Equal(0, _kafka.Producer.Recreations);
    }

    [Fact]
    public async Task A_fenced_producer_is_rebuilt_and_the_consumer_rewound()
    {
        _kafka.Producer.FailCommit = n => n == 1 ? new KafkaException(new Error(ErrorCode.ProducerFenced, "test", false)) : null;

        await RunUntilAllCommittedAsync(maxBatchSize: 25);

        AssertExactlyOnceInOrder();
        Assert.Equal(1, _kafka.Producer.Recreations);
        Assert.Equal(1, _kafka.Consumer.Rewinds);
    }

    [Fact]
    public async Task A_retriable_commit_failure_the_producer_gave_up_on_starts_the_batch_over()
    {
        _kafka.Producer.FailCommit = n => n is 1 or 3 ? new KafkaRetriableException(new Error(ErrorCode.RequestTimedOut, "test", false)) : null;

        await RunUntilAllCommittedAsync(maxBatchSize: 25);

        AssertExactlyOnceInOrder();
        Assert.Equal(2, _kafka.Producer.Aborts);
        Assert.Equal(2, _kafka.Consumer.Rewinds);
    }

    [Fact]
    public async Task A_revocation_aborts_the_open_transaction_and_nothing_of_it_becomes_visible()
    {
        // Ten records per poll and thirty per batch: the second poll's revocation hits an open transaction.
        _kafka.Consumer.MaxRecordsPerPoll = 10;
        _kafka.Consumer.RevokeOnPolls.UnionWith([2, 10]);

        await RunUntilAllCommittedAsync(maxBatchSize: 30);

        AssertExactlyOnceInOrder();
        Assert.Equal(2, _kafka.Consumer.Revocations);
        Assert.Equal(2, _kafka.Producer.Aborts);
    }

    [Fact]
    public async Task A_failed_abort_on_revocation_rebuilds_the_producer()
    {
        _kafka.Consumer.MaxRecordsPerPoll = 10;
        _kafka.Consumer.RevokeOnPolls.Add(2);
        _kafka.Producer.FailAbortOnRevocation = new KafkaException(new Error(ErrorCode.Local_TimedOut, "test", false));

        await RunUntilAllCommittedAsync(maxBatchSize: 30);

        AssertExactlyOnceInOrder();
        Assert.Equal(1, _kafka.Producer.Recreations);
    }

    private async Task RunUntilAllCommittedAsync(int maxBatchSize)
    {
        var options = new TransactionalPipelineOptions { MaxBatchSize = maxBatchSize, CommitInterval = TimeSpan.FromMilliseconds(20) };
        options.Topics.Add("orders");
        var settings = PipelineSettings.From("copy", options);
        var loop = new PipelineLoop(settings, _kafka.Consumer, _kafka.Producer, new CopyProcessor(), TimeProvider.System, NullLogger.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = loop.RunAsync(stop.Token);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_kafka.AllCommitted && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await run;
        Assert.True(_kafka.AllCommitted, "The loop did not commit every input within 30 s.");
        Assert.False(_kafka.Producer.InTransaction);
    }

    private void AssertExactlyOnceInOrder()
    {
        foreach (var (partition, log) in _kafka.Inputs)
        {
            var outputs = _kafka.Visible
                .Where(o => BitConverter.ToInt32(o.Message.Key!) == partition.Partition.Value)
                .Select(o => BitConverter.ToInt64(o.Message.Value!));
            Assert.Equal(Enumerable.Range(0, log.Count).Select(i => (long)i), outputs);
        }
    }

    /// <summary>One output per input, carrying the input's key and offset.</summary>
    private sealed class CopyProcessor : IRecordProcessor
    {
        public ValueTask<ProcessedRecord> ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ProcessedRecord(
                [new OutputRecord("copies", new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value })],
                false));
    }
}
