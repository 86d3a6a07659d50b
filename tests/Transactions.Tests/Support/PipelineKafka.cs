using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.Messaging;
using Outbox.Testing.Messages;
using Outbox.Transactions.PipelineHost;

namespace Outbox.Transactions.Tests.Support;

/// <summary>What the end-to-end tests do with Kafka around a pipeline: topics, inputs, committed offsets, outputs.</summary>
internal sealed class PipelineKafka(string bootstrapServers, string groupId)
{
    public const int Partitions = 4;

    public string BootstrapServers => bootstrapServers;

    public string GroupId => groupId;

    public string DeadLetterTopic => $"{groupId}.dlt";

    /// <summary>The inputs produced, by event id.</summary>
    public Dictionary<Guid, OrderPlaced> Inputs { get; } = [];

    public async Task CreateTopicsAsync()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        await admin.CreateTopicsAsync(
        [
            new TopicSpecification { Name = EnrichmentPipeline.InputTopic, NumPartitions = Partitions, ReplicationFactor = 1 },
            new TopicSpecification { Name = EnrichOrders.OutputTopic, NumPartitions = Partitions, ReplicationFactor = 1 },
            new TopicSpecification { Name = DeadLetterTopic, NumPartitions = 1, ReplicationFactor = 1 },
        ]);
    }

    /// <summary>Produces <paramref name="count"/> inputs over <paramref name="keys"/> keys, each key's sequence counting up from 0.</summary>
    public void ProduceInputs(int count, int keys, Func<int, bool>? poison = null)
    {
        using var producer = CreateInputProducer();
        foreach (var record in CreateInputs(count, keys, poison))
        {
            producer.Produce(EnrichmentPipeline.InputTopic, record);
        }

        Flush(producer);
    }

    /// <summary>Creates inputs without producing them, for tests that release them in stages with <see cref="Produce"/>.</summary>
    public List<Message<byte[]?, byte[]?>> PrepareInputs(int count, int keys) => CreateInputs(count, keys, null);

    /// <summary>Produces the prepared inputs from index <paramref name="from"/> up to, not including, <paramref name="to"/>.</summary>
    public void Produce(List<Message<byte[]?, byte[]?>> inputs, int from, int to)
    {
        using var producer = CreateInputProducer();
        for (var i = from; i < to; i++)
        {
            producer.Produce(EnrichmentPipeline.InputTopic, inputs[i]);
        }

        Flush(producer);
    }

    /// <summary>Produces the inputs at a steady pace, <paramref name="perTick"/> every <paramref name="tick"/>, until all are written.</summary>
    public async Task ProduceInputsSteadilyAsync(int count, int keys, int perTick, TimeSpan tick, CancellationToken cancellationToken)
    {
        var records = CreateInputs(count, keys, null);
        using var producer = CreateInputProducer();
        for (var i = 0; i < records.Count; i++)
        {
            producer.Produce(EnrichmentPipeline.InputTopic, records[i]);
            if ((i + 1) % perTick == 0)
            {
                await Task.Delay(tick, cancellationToken);
            }
        }

        Flush(producer);
    }

    private List<Message<byte[]?, byte[]?>> CreateInputs(int count, int keys, Func<int, bool>? poison)
    {
        var sequences = new int[keys];
        var records = new List<Message<byte[]?, byte[]?>>(count);
        for (var i = 0; i < count; i++)
        {
            var key = $"key-{i % keys}";
            var message = new OrderPlaced(key, sequences[i % keys]++, poison?.Invoke(i) ?? false);
            var envelope = EnvelopeRecords.Envelope(message, key);
            Inputs[envelope.Id] = message;
            records.Add(EnvelopeRecords.Record(envelope));
        }

        return records;
    }

    private IProducer<byte[]?, byte[]?> CreateInputProducer() =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();

    private static void Flush(IProducer<byte[]?, byte[]?> producer)
    {
        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0)
        {
            throw new InvalidOperationException("Inputs were not all delivered within 60 s.");
        }
    }

    /// <summary>How many inputs the group has committed, summed over the input partitions.</summary>
    public long CommittedInputs()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        var committed = consumer.Committed(InputPartitions(), TimeSpan.FromSeconds(10));
        return committed.Sum(c => c.Offset.IsSpecial ? 0 : c.Offset.Value);
    }

    /// <summary>Waits until the group's committed offsets reach <paramref name="target"/> inputs; polls with a deadline.</summary>
    public async Task WaitForCommittedAsync(long target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        long committed;
        while ((committed = CommittedInputs()) < target)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The group {groupId} committed {committed} of {target} inputs within {timeout}.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The end offsets of the input partitions: where a finished pipeline's committed offsets must be.</summary>
    public IReadOnlyList<long> InputEndOffsets()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "end-offsets" }).Build();
        return [.. InputPartitions().Select(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value)];
    }

    public IReadOnlyList<long> CommittedOffsets()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        return [.. consumer.Committed(InputPartitions(), TimeSpan.FromSeconds(10)).Select(c => c.Offset.Value)];
    }

    /// <summary>Everything a read_committed reader sees in <paramref name="topic"/>, up to the end of every partition.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadCommitted(string topic, int partitions, IsolationLevel isolation = IsolationLevel.ReadCommitted)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid()}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = isolation,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);

        // End of partition means the last stable offset: with no transaction open, everything committed was read.
        while (atEnd.Count < partitions)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Reading {topic} to its end took longer than 60 s.");
            }

            switch (consumer.Consume(TimeSpan.FromMilliseconds(200)))
            {
                case { IsPartitionEOF: true } eof:
                    atEnd.Add(eof.Partition.Value);
                    break;
                case { } record:
                    records.Add(record);
                    break;
            }
        }

        return records;
    }

    /// <summary>
    /// Asserts that the outputs hold exactly one <see cref="OrderEnriched"/> per non-poison input, caused by that
    /// input, in each key's order, and that the group's committed offsets are at the end of the input.
    /// </summary>
    public void AssertExactlyOnceInKeyOrder()
    {
        var outputs = ReadCommitted(EnrichOrders.OutputTopic, Partitions);
        var serializer = new JsonMessageSerializer();
        var causes = new HashSet<Guid>();
        var byKey = new Dictionary<string, List<int>>();
        foreach (var output in outputs)
        {
            Assert.True(MessageEnvelope.TryRead(output.Message.Headers, output.Message.Value, out var envelope), "An output lacks its envelope.");
            var cause = Guid.Parse(envelope.CausationId!);
            Assert.True(causes.Add(cause), $"Input {cause} has more than one output.");
            var input = Inputs[cause];
            var enriched = (OrderEnriched)serializer.Deserialize(envelope.Payload.Span, typeof(OrderEnriched));
            Assert.Equal(new OrderEnriched(input.Key, input.Sequence), enriched);
            Assert.Equal(cause.ToString(), envelope.CorrelationId);
            (byKey.TryGetValue(enriched.Key, out var sequence) ? sequence : byKey[enriched.Key] = []).Add(enriched.Sequence);
        }

        var expected = Inputs.Values.Where(i => !i.Poison).ToList();
        Assert.Equal(expected.Count, outputs.Count);
        foreach (var (key, sequences) in byKey)
        {
            Assert.Equal(expected.Where(i => i.Key == key).Select(i => i.Sequence).Order(), sequences);
        }

        Assert.Equal(InputEndOffsets(), CommittedOffsets());
    }

    private static List<TopicPartition> InputPartitions() =>
        [.. Enumerable.Range(0, Partitions).Select(p => new TopicPartition(EnrichmentPipeline.InputTopic, p))];
}
