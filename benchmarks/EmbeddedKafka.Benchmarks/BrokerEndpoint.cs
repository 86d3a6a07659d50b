using Confluent.Kafka;

namespace Outbox.EmbeddedKafka.Benchmarks;

/// <summary>
/// One broker under test with a warmed-up idempotent producer (acks=all) and a consumer: either
/// EmbeddedKafka in this process or librdkafka's mock cluster, which the producer starts itself
/// (test.mock.num.brokers); the consumer then connects to the address the mock reports in Metadata.
/// </summary>
internal sealed class BrokerEndpoint : IAsyncDisposable
{
    private readonly EmbeddedKafkaBroker? _broker;

    private BrokerEndpoint(EmbeddedKafkaBroker? broker, IProducer<Null, byte[]> producer, IConsumer<Null, byte[]> consumer)
    {
        _broker = broker;
        Producer = producer;
        Consumer = consumer;
    }

    /// <summary>Written by the produce-only benchmark; nobody reads it.</summary>
    public static TopicPartition Produced { get; } = new("produced", 0);

    /// <summary>Written and read back by the produce-then-consume benchmark.</summary>
    public static TopicPartition Consumed { get; } = new("consumed", 0);

    public IProducer<Null, byte[]> Producer { get; }

    public IConsumer<Null, byte[]> Consumer { get; }

    /// <summary>
    /// Bytes EmbeddedKafka keeps per partition in the matched-retention case: at least what the mock keeps of a partition
    /// (about 4,500 records of 1 KiB, 4.6 MB), so the comparison does not favour EmbeddedKafka.
    /// </summary>
    public const long MatchedRetentionBytes = 8L * 1024 * 1024;

    /// <summary>Starts EmbeddedKafka keeping <paramref name="retentionBytes"/> per partition, or its default (256 MiB) when null.</summary>
    public static async Task<BrokerEndpoint> StartEmbeddedAsync(long? retentionBytes = null)
    {
        var options = new EmbeddedKafkaOptions();
        if (retentionBytes is { } bytes)
        {
            options.RetentionBytes = bytes;
        }

        var broker = await EmbeddedKafkaBroker.StartAsync(options).ConfigureAwait(false);
        var producer = new ProducerBuilder<Null, byte[]>(ProducerConfig(broker.BootstrapServers, mock: false)).Build();
        return Complete(broker, producer, broker.BootstrapServers);
    }

    public static BrokerEndpoint StartMock()
    {
        var producer = new ProducerBuilder<Null, byte[]>(ProducerConfig("unused:9092", mock: true)).Build();
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var broker = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.First();
        return Complete(null, producer, $"{broker.Host}:{broker.Port}");
    }

    /// <summary>Produces <paramref name="count"/> values and waits until every one is acknowledged.</summary>
    public void ProduceAll(TopicPartition topic, int count, byte[] value)
    {
        var failed = 0;
        void OnDelivered(DeliveryReport<Null, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
        }

        var message = new Message<Null, byte[]> { Value = value };
        for (var i = 0; i < count; i++)
        {
            while (true)
            {
                try
                {
                    Producer.Produce(topic, message, OnDelivered);
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    Producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        Producer.Flush(TimeSpan.FromMinutes(2));
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {count} records were not delivered");
        }
    }

    /// <summary>Reads the next <paramref name="count"/> records from where the consumer stands.</summary>
    public void ConsumeAll(int count)
    {
        for (var received = 0; received < count;)
        {
            if (Consumer.Consume(TimeSpan.FromSeconds(30)) is null)
            {
                throw new InvalidOperationException($"only {received} of {count} records arrived");
            }

            received++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Consumer.Close();
        Consumer.Dispose();
        Producer.Dispose();
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static BrokerEndpoint Complete(EmbeddedKafkaBroker? broker, IProducer<Null, byte[]> producer, string bootstrap)
    {
        // Both brokers create the topics on first use (EmbeddedKafka with one partition, the mock with more); only partition 0 is used.
        var consumer = new ConsumerBuilder<Null, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "benchmark",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(Consumed, Offset.Beginning));
        var endpoint = new BrokerEndpoint(broker, producer, consumer);
        endpoint.ProduceAll(Produced, 100, new byte[1024]);
        endpoint.ProduceAll(Consumed, 100, new byte[1024]);
        endpoint.ConsumeAll(100);
        return endpoint;
    }

    private static ProducerConfig ProducerConfig(string bootstrap, bool mock)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
        };
        if (mock)
        {
            config.Set("test.mock.num.brokers", "1");
        }

        return config;
    }
}
