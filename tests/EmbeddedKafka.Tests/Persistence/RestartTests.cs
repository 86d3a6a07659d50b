using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Tests.Persistence;

/// <summary>
/// A broker restarted on its data directory carries on where the last one stopped. The broker does no
/// shutdown-only work besides flushing to disk (every change is with the operating system before it is
/// acknowledged), so disposing it stands for a killed process here.
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Topics_keep_their_id_partition_count_and_configs()
    {
        using var data = new DataDirectory();
        Guid id;
        await using (var broker = await data.StartBrokerAsync())
        {
            lock (broker.Cluster.Sync)
            {
                Assert.Equal(Protocol.ErrorCode.None, broker.Cluster.CreateTopic("orders", 3, new Dictionary<string, string?> { ["retention.ms"] = "60000", ["cleanup.policy"] = "delete" }, out var topic));
                id = topic!.Id;
                Assert.Equal(Protocol.ErrorCode.None, broker.Cluster.AddPartitions("orders", 5));
            }
        }

        await using var restarted = await data.StartBrokerAsync();
        var restored = restarted.Cluster.Topics["orders"];
        Assert.Equal(id, restored.Id);
        Assert.Equal(5, restored.Partitions.Count);
        Assert.Equal("60000", restored.Configs["retention.ms"]);
        Assert.Equal("delete", restored.Configs["cleanup.policy"]);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = restarted.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("orders", TimeSpan.FromSeconds(10));
        Assert.Equal(5, Assert.Single(metadata.Topics).Partitions.Count);
    }

    [Fact]
    public async Task Records_are_read_back_at_the_same_offsets_and_appends_continue_after_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        var sent = new List<DeliveryResult<string, string>>();
        await using (var broker = await data.StartBrokerAsync(o => o.DefaultPartitions = 2))
        {
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 2 }).Build();
            for (var i = 0; i < 60; i++)
            {
                sent.Add(await producer.ProduceAsync("events", new Message<string, string> { Key = $"k{i % 5}", Value = $"v{i}" }, ct));
            }
        }

        await using (var broker = await data.StartBrokerAsync(o => o.DefaultPartitions = 2))
        {
            var read = DataDirectory.ReadAll(broker, "events", 2);
            Assert.Equal(
                sent.Select(s => (s.Partition.Value, s.Offset.Value, s.Message.Value)).Order(),
                read.Select(r => (r.Partition.Value, r.Offset.Value, r.Message.Value)).Order());

            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build();
            var next = await producer.ProduceAsync(new TopicPartition("events", 0), new Message<string, string> { Key = "k", Value = "after" }, ct);
            Assert.Equal(sent.Count(s => s.Partition.Value == 0), next.Offset.Value);
        }

        await using var again = await data.StartBrokerAsync(o => o.DefaultPartitions = 2);
        Assert.Equal(61, DataDirectory.ReadAll(again, "events", 2).Count);
    }

    [Fact]
    public async Task Committed_offsets_of_a_group_are_restored_and_deleted_ones_stay_deleted()
    {
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            var groups = broker.Cluster.Groups;
            groups.CommitOffset("billing", "orders", 0, new CommittedOffset(41, 3, "first", 1000));
            groups.CommitOffset("billing", "orders", 0, new CommittedOffset(42, 3, "second", 2000));
            groups.CommitOffset("billing", "orders", 1, new CommittedOffset(7, -1, null, 3000));
            groups.CommitOffset("audit", "orders", 0, new CommittedOffset(5, -1, null, 4000));
            Assert.True(groups.DeleteOffset("audit", "orders", 0));
            groups.StageTransactionalOffset("billing", 1234, "orders", 2, new CommittedOffset(99, -1, null, 5000));
        }

        await using (var broker = await data.StartBrokerAsync())
        {
            var groups = broker.Cluster.Groups;
            Assert.Equal(new CommittedOffset(42, 3, "second", 2000), groups.FindOffset("billing", "orders", 0));
            Assert.Equal(new CommittedOffset(7, -1, null, 3000), groups.FindOffset("billing", "orders", 1));
            Assert.Null(groups.FindOffset("audit", "orders", 0));
            Assert.Null(groups.FindOffset("billing", "orders", 2));   // staged by a transaction that never committed
            Assert.False(groups.HasPendingOffset("billing", "orders", 2));
            groups.CommitOffset("billing", "orders", 0, new CommittedOffset(50, 3, null, 6000));
        }

        // The journal was compacted at the last start and appended to since: both halves replay.
        await using var again = await data.StartBrokerAsync();
        Assert.Equal(50, again.Cluster.Groups.FindOffset("billing", "orders", 0)?.Offset);
        Assert.Equal(7, again.Cluster.Groups.FindOffset("billing", "orders", 1)?.Offset);
    }

    [Fact]
    public async Task A_group_member_resumes_after_the_offset_committed_before_the_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        var config = new ConsumerConfig
        {
            GroupId = "resume",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
        };

        await using (var broker = await data.StartBrokerAsync())
        {
            using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                for (var i = 0; i < 10; i++)
                {
                    await producer.ProduceAsync("work", new Message<Null, string> { Value = $"job-{i}" }, ct);
                }
            }

            config.BootstrapServers = broker.BootstrapServers;
            using var first = new ConsumerBuilder<Ignore, string>(config).Build();
            first.Subscribe("work");
            for (var i = 0; i < 4; i++)
            {
                var record = first.Consume(TimeSpan.FromSeconds(30));
                Assert.Equal($"job-{i}", record?.Message.Value);
                first.Commit(record);
            }

            first.Close();
        }

        await using var restarted = await data.StartBrokerAsync();
        config.BootstrapServers = restarted.BootstrapServers;
        using var second = new ConsumerBuilder<Ignore, string>(config).Build();
        second.Subscribe("work");
        var resumed = Enumerable.Range(0, 6).Select(_ => second.Consume(TimeSpan.FromSeconds(30))?.Message.Value).ToList();
        Assert.Equal(Enumerable.Range(4, 6).Select(i => $"job-{i}"), resumed);
        second.Close();
    }

    [Fact]
    public async Task Admin_changes_survive_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "managed", NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "3600000" } }]);
            await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "managed", IncreaseTo = 3 }]);
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = "managed" }] = [new ConfigEntry { Name = "max.message.bytes", Value = "2000000", IncrementalOperation = AlterConfigOpType.Set }],
            });
            using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            {
                for (var i = 0; i < 5; i++)
                {
                    await producer.ProduceAsync(new TopicPartition("managed", 0), new Message<Null, string> { Value = $"v{i}" }, ct);
                }
            }

            await admin.DeleteRecordsAsync([new TopicPartitionOffset("managed", 0, 3)]);
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "dropped", NumPartitions = 1, ReplicationFactor = 1 }]);
            await admin.DeleteTopicsAsync(["dropped"]);
        }

        await using var restarted = await data.StartBrokerAsync();
        using var after = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = restarted.BootstrapServers }).Build();
        var metadata = after.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Topics.Single(t => t.Topic == "managed").Partitions.Count);
        Assert.DoesNotContain(metadata.Topics, t => t.Topic == "dropped");
        var configs = (await after.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "managed" }])).Single().Entries;
        Assert.Equal("3600000", configs["retention.ms"].Value);
        Assert.Equal("2000000", configs["max.message.bytes"].Value);
        Assert.Equal(["v3", "v4"], DataDirectory.ReadAll(restarted, "managed", 1).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task The_offsets_journal_stays_small_under_repeated_commits()
    {
        using var data = new DataDirectory();
        var journal = Path.Combine(data.Path, "offsets.journal");
        await using (var broker = await data.StartBrokerAsync())
        {
            broker.Cluster.Groups.CommitOffset("other", "orders", 0, new CommittedOffset(1, -1, null, 0));
            var oneRecord = new FileInfo(journal).Length;
            for (var i = 0; i < 5000; i++)
            {
                broker.Cluster.Groups.CommitOffset("busy", "orders", 0, new CommittedOffset(i, -1, null, i));
            }

            Assert.True(new FileInfo(journal).Length < 1100 * oneRecord, $"journal of {new FileInfo(journal).Length} bytes was not compacted");
        }

        await using var restarted = await data.StartBrokerAsync();
        Assert.Equal(4999, restarted.Cluster.Groups.FindOffset("busy", "orders", 0)?.Offset);
        Assert.Equal(1, restarted.Cluster.Groups.FindOffset("other", "orders", 0)?.Offset);
    }

    [Fact]
    public async Task The_log_start_offset_moved_by_delete_records_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("trimmed", new Message<Null, string> { Value = $"v{i}" }, ct);
            }

            lock (broker.Cluster.Sync)
            {
                broker.Cluster.FindPartition("trimmed", 0)!.DeleteBefore(6);
            }
        }

        await using var restarted = await data.StartBrokerAsync();
        lock (restarted.Cluster.Sync)
        {
            var log = restarted.Cluster.FindPartition("trimmed", 0)!;
            Assert.Equal(6, log.LogStartOffset);
            Assert.Equal(10, log.HighWatermark);
        }

        var read = DataDirectory.ReadAll(restarted, "trimmed", 1);
        Assert.Equal(["v6", "v7", "v8", "v9"], read.Select(r => r.Message.Value));
        Assert.Equal([6L, 7, 8, 9], read.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task Producer_ids_handed_out_after_a_restart_are_new()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        long before;
        await using (var broker = await data.StartBrokerAsync())
        {
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build();
            await producer.ProduceAsync("ids", new Message<Null, string> { Value = "before" }, ct);
            lock (broker.Cluster.Sync)
            {
                before = broker.Cluster.FindPartition("ids", 0)!.Batches[^1].ProducerId;
            }

            Assert.True(broker.Cluster.NextProducerId() > before);
        }

        await using var restarted = await data.StartBrokerAsync();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = restarted.BootstrapServers, EnableIdempotence = true }).Build())
        {
            await producer.ProduceAsync("ids", new Message<Null, string> { Value = "after" }, ct);
        }

        lock (restarted.Cluster.Sync)
        {
            var batches = restarted.Cluster.FindPartition("ids", 0)!.Batches;
            Assert.Equal(2, batches.Count);
            Assert.Equal(before, batches[0].ProducerId);
            Assert.True(batches[1].ProducerId > before + 1, $"producer id {batches[1].ProducerId} after the restart must exceed every id handed out before it");
        }
    }

    [Fact]
    public async Task A_deleted_topic_stays_deleted_and_its_files_are_gone()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new DataDirectory();
        await using (var broker = await data.StartBrokerAsync())
        {
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
            await producer.ProduceAsync("doomed", new Message<Null, string> { Value = "gone" }, ct);
            var directory = Path.GetDirectoryName(Path.GetDirectoryName(data.Segments(broker, "doomed", 0)[0]))!;
            lock (broker.Cluster.Sync)
            {
                Assert.True(broker.Cluster.DeleteTopic("doomed"));
            }

            Assert.False(Directory.Exists(directory));
        }

        await using var restarted = await data.StartBrokerAsync();
        lock (restarted.Cluster.Sync)
        {
            Assert.False(restarted.Cluster.Topics.ContainsKey("doomed"));
        }
    }

    [Fact]
    public async Task A_start_that_fails_releases_the_data_directory()
    {
        using var data = new DataDirectory();
        using var other = new DataDirectory();
        await using var holder = await other.StartBrokerAsync();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => data.StartBrokerAsync(o => o.Port = holder.Port));
        await using var broker = await data.StartBrokerAsync();
        Assert.NotEqual(holder.Port, broker.Port);
    }

    [Fact]
    public async Task A_second_broker_cannot_open_a_directory_in_use()
    {
        using var data = new DataDirectory();
        await using var broker = await data.StartBrokerAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => data.StartBrokerAsync());
    }
}
