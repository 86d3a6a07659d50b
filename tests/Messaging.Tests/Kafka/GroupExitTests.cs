using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.Messaging.Kafka;
using Outbox.Testing.Kafka;

namespace Outbox.Messaging.Tests.Kafka;

public sealed class GroupExitTests : IClassFixture<KafkaFixture>
{
    private const string Topic = "group-exit";
    private const int Partitions = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly KafkaFixture _kafka;

    public GroupExitTests(KafkaFixture kafka) => _kafka = kafka;

    [Fact]
    public async Task A_consumer_leaving_revokes_its_partitions_in_a_poll_and_hands_them_to_the_member_that_stays()
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafka.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
        }

        var leavingRevoked = new List<TopicPartition>();
        var revokedDuringClose = false;
        var closing = false;
        using var leaving = Consumer((_, revoked) =>
        {
            leavingRevoked.AddRange(revoked.Select(p => p.TopicPartition));
            revokedDuringClose |= closing;
        });
        using var staying = Consumer((_, _) => { });
        leaving.Subscribe(Topic);
        staying.Subscribe(Topic);
        PollUntil(() => leaving.Assignment.Count > 0 && staying.Assignment.Count > 0 && leaving.Assignment.Count + staying.Assignment.Count == Partitions, "both members share the partitions", leaving, staying);
        var leavingAssignment = leaving.Assignment.ToList();

        GroupExit.LeaveAndClose(new ClosingConsumer(leaving, () => closing = true), Deadline);

        Assert.Equal(leavingAssignment.OrderBy(p => p.Partition.Value), leavingRevoked.OrderBy(p => p.Partition.Value));
        Assert.False(revokedDuringClose, "The revocation ran inside Close instead of an ordinary poll.");
        PollUntil(() => staying.Assignment.Count == Partitions, "the staying member owns every partition", staying);
    }

    private IConsumer<byte[], byte[]> Consumer(Action<IConsumer<byte[], byte[]>, List<TopicPartitionOffset>> onRevoked) =>
        new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "group-exit",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        })
        .SetPartitionsRevokedHandler(onRevoked)
        .Build();

    private static void PollUntil(Func<bool> condition, string what, params IConsumer<byte[], byte[]>[] consumers)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            foreach (var consumer in consumers)
            {
                consumer.Consume(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    /// <summary>Marks when <see cref="IConsumer{TKey,TValue}.Close"/> starts; every other call goes to the consumer.</summary>
    private sealed class ClosingConsumer(IConsumer<byte[], byte[]> inner, Action onClose) : IConsumer<byte[], byte[]>
    {
        public string MemberId => inner.MemberId;
        public List<TopicPartition> Assignment => inner.Assignment;
        public List<string> Subscription => inner.Subscription;
        public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;
        public Handle Handle => inner.Handle;
        public string Name => inner.Name;
        public int AddBrokers(string brokers) => inner.AddBrokers(brokers);
        public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);
        public ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => inner.Consume(millisecondsTimeout);
        public ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => inner.Consume(cancellationToken);
        public ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) => inner.Consume(timeout);
        public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);
        public void Subscribe(string topic) => inner.Subscribe(topic);
        public void Unsubscribe() => inner.Unsubscribe();
        public void Assign(TopicPartition partition) => inner.Assign(partition);
        public void Assign(TopicPartitionOffset partition) => inner.Assign(partition);
        public void Assign(IEnumerable<TopicPartitionOffset> partitions) => inner.Assign(partitions);
        public void Assign(IEnumerable<TopicPartition> partitions) => inner.Assign(partitions);
        public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);
        public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);
        public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);
        public void Unassign() => inner.Unassign();
        public void StoreOffset(ConsumeResult<byte[], byte[]> result) => inner.StoreOffset(result);
        public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);
        public List<TopicPartitionOffset> Commit() => inner.Commit();
        public void Commit(IEnumerable<TopicPartitionOffset> offsets) => inner.Commit(offsets);
        public void Commit(ConsumeResult<byte[], byte[]> result) => inner.Commit(result);
        public void Seek(TopicPartitionOffset tpo) => inner.Seek(tpo);
        public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);
        public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);
        public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);
        public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);
        public Offset Position(TopicPartition partition) => inner.Position(partition);
        public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) => inner.OffsetsForTimes(timestampsToSearch, timeout);
        public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => inner.GetWatermarkOffsets(topicPartition);
        public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => inner.QueryWatermarkOffsets(topicPartition, timeout);

        public void Close()
        {
            onClose();
            inner.Close();
        }

        public void Dispose() => inner.Dispose();
    }
}
