using Confluent.Kafka;
using Outbox.Transactions.Internal.Kafka;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Tests.Support;

/// <summary>
/// An in-memory stand-in for the consumer and the transactional producer, with Kafka's transaction
/// semantics as the loop relies on them: outputs and offsets become visible together on commit; an abort
/// discards both; a revocation reassigns from the committed offsets. Failures are scripted per call.
/// </summary>
internal sealed class FakeKafka
{
    private readonly Lock _lock = new();

    public FakeKafka(string topic, int partitions, int recordsPerPartition)
    {
        for (var partition = 0; partition < partitions; partition++)
        {
            var tp = new TopicPartition(topic, partition);
            Inputs[tp] = [.. Enumerable.Range(0, recordsPerPartition).Select(offset => new ConsumeResult<byte[]?, byte[]?>
            {
                TopicPartitionOffset = new TopicPartitionOffset(tp, offset),
                Message = new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(partition), Value = BitConverter.GetBytes((long)offset) },
            })];
            Committed[tp] = 0;
        }

        Consumer = new FakeConsumer(this);
        Producer = new FakeProducer(this);
    }

    public Dictionary<TopicPartition, List<ConsumeResult<byte[]?, byte[]?>>> Inputs { get; } = [];

    public Dictionary<TopicPartition, long> Committed { get; } = [];

    /// <summary>What a read_committed reader of the outputs sees.</summary>
    public List<OutputRecord> Visible { get; } = [];

    public List<int> CommittedBatchSizes { get; } = [];

    public FakeConsumer Consumer { get; }

    public FakeProducer Producer { get; }

    public bool AllCommitted
    {
        get
        {
            lock (_lock)
            {
                return Inputs.All(input => Committed[input.Key] == input.Value.Count);
            }
        }
    }

    internal sealed class FakeConsumer(FakeKafka kafka) : IPipelineConsumer
    {
        private readonly Dictionary<TopicPartition, long> _positions = new(kafka.Committed);
        private Action _onRevoked = () => { };
        private int _polls;

        public int MaxRecordsPerPoll { get; set; } = int.MaxValue;

        /// <summary>Revokes (and reassigns) everything at the start of these polls, counting from 1.</summary>
        public HashSet<int> RevokeOnPolls { get; } = [];

        public int Rewinds { get; private set; }

        /// <summary>The most records one poll returned.</summary>
        public int LargestPoll { get; private set; }

        public int Revocations { get; private set; }

        public IConsumerGroupMetadata? GroupMetadata => null;

        public Task SubscribeAsync(IReadOnlyList<string> topics, Action onPartitionsRevoked, CancellationToken cancellationToken)
        {
            _onRevoked = onPartitionsRevoked;
            return Task.CompletedTask;
        }

        public async Task<PollResult> PollAsync(int maxRecords, TimeSpan maxWait, CancellationToken cancellationToken)
        {
            if (RevokeOnPolls.Contains(++_polls))
            {
                Revocations++;
                _onRevoked();
                ResetToCommitted();
                return new PollResult([], true);
            }

            var records = new List<ConsumeResult<byte[]?, byte[]?>>();
            foreach (var (partition, log) in kafka.Inputs)
            {
                while (records.Count < Math.Min(maxRecords, MaxRecordsPerPoll) && _positions[partition] < log.Count)
                {
                    records.Add(log[(int)_positions[partition]++]);
                }
            }

            LargestPoll = Math.Max(LargestPoll, records.Count);
            if (records.Count == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5, maxWait.TotalMilliseconds)), cancellationToken);
            }

            return new PollResult(records, false);
        }

        public Task RewindToCommittedAsync(CancellationToken cancellationToken)
        {
            Rewinds++;
            ResetToCommitted();
            return Task.CompletedTask;
        }

        public Task CloseAsync() => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void ResetToCommitted()
        {
            lock (kafka._lock)
            {
                foreach (var (partition, offset) in kafka.Committed)
                {
                    _positions[partition] = offset;
                }
            }
        }
    }

    internal sealed class FakeProducer(FakeKafka kafka) : IPipelineProducer
    {
        private readonly List<OutputRecord> _pending = [];
        private int _commits;

        /// <summary>The exception thrown by the commit with this number (counting from 1), if any.</summary>
        public Func<int, KafkaException?> FailCommit { get; set; } = _ => null;

        public KafkaException? FailAbortOnRevocation { get; set; }

        public bool InTransaction { get; private set; }

        public int Initializations { get; private set; }

        public int Aborts { get; private set; }

        public int Recreations { get; private set; }

        public Task InitializeAsync(CancellationToken cancellationToken)
        {
            Initializations++;
            return Task.CompletedTask;
        }

        public Task BeginAsync(CancellationToken cancellationToken)
        {
            Assert.False(InTransaction, "A transaction was begun while one was open.");
            InTransaction = true;
            return Task.CompletedTask;
        }

        public ValueTask ProduceAsync(OutputRecord record, CancellationToken cancellationToken)
        {
            Assert.True(InTransaction, "A record was produced outside a transaction.");
            _pending.Add(record);
            return ValueTask.CompletedTask;
        }

        public Task CommitAsync(IReadOnlyList<TopicPartitionOffset> offsets, IConsumerGroupMetadata? groupMetadata, CancellationToken cancellationToken)
        {
            Assert.True(InTransaction, "A commit without a transaction.");
            if (FailCommit(++_commits) is { } failure)
            {
                throw failure;
            }

            lock (kafka._lock)
            {
                foreach (var offset in offsets)
                {
                    kafka.Committed[offset.TopicPartition] = offset.Offset.Value;
                }

                kafka.Visible.AddRange(_pending);
                kafka.CommittedBatchSizes.Add(_pending.Count);
            }

            _pending.Clear();
            InTransaction = false;
            return Task.CompletedTask;
        }

        public Task AbortAsync(CancellationToken cancellationToken)
        {
            Abort();
            return Task.CompletedTask;
        }

        public void AbortBeforeRevocation()
        {
            if (FailAbortOnRevocation is { } failure)
            {
                throw failure;
            }

            Abort();
        }

        public Task RecreateAsync(CancellationToken cancellationToken)
        {
            Recreations++;
            _pending.Clear();
            InTransaction = false;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void Abort()
        {
            Aborts++;
            _pending.Clear();
            InTransaction = false;
        }
    }
}
