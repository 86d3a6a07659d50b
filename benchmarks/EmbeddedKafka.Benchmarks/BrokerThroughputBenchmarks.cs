using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Outbox.EmbeddedKafka.Benchmarks;

/// <summary>
/// Confluent.Kafka against EmbeddedKafka and against librdkafka's mock cluster, side by side:
/// produce (1 KiB values, acks=all, idempotent) and produce-then-consume. Each invocation moves a
/// fixed number of records, so Op/s reads as records per second; the mock is the baseline. The mock
/// keeps only about 4,500 such records per partition and resets a reader that falls behind, so the
/// produce-then-consume rounds stay well below that. Produce_EmbeddedKafka_MatchedRetention keeps about as much
/// as the mock (<see cref="BrokerEndpoint.MatchedRetentionBytes"/> per partition) instead of the default 256 MiB.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class BrokerThroughputBenchmarks
{
    public const int ProducedPerInvocation = 20_000;

    public const int RoundTripsPerInvocation = 2_000;

    private static readonly byte[] Value = CreateValue();

    private BrokerEndpoint _endpoint = null!;

    [GlobalSetup(Targets = new[] { nameof(Produce_EmbeddedKafka), nameof(ProduceThenConsume_EmbeddedKafka) })]
    public async Task StartEmbeddedAsync() => _endpoint = await BrokerEndpoint.StartEmbeddedAsync().ConfigureAwait(false);

    [GlobalSetup(Target = nameof(Produce_EmbeddedKafka_MatchedRetention))]
    public async Task StartEmbeddedWithMatchedRetentionAsync() =>
        _endpoint = await BrokerEndpoint.StartEmbeddedAsync(BrokerEndpoint.MatchedRetentionBytes).ConfigureAwait(false);

    [GlobalSetup(Targets = new[] { nameof(Produce_LibrdkafkaMock), nameof(ProduceThenConsume_LibrdkafkaMock) })]
    public void StartMock() => _endpoint = BrokerEndpoint.StartMock();

    [GlobalCleanup]
    public async Task StopAsync() => await _endpoint.DisposeAsync().ConfigureAwait(false);

    [Benchmark(Baseline = true, OperationsPerInvoke = ProducedPerInvocation)]
    [BenchmarkCategory("Produce")]
    public void Produce_LibrdkafkaMock() => Produce(_endpoint);

    [Benchmark(OperationsPerInvoke = ProducedPerInvocation)]
    [BenchmarkCategory("Produce")]
    public void Produce_EmbeddedKafka() => Produce(_endpoint);

    [Benchmark(OperationsPerInvoke = ProducedPerInvocation)]
    [BenchmarkCategory("Produce")]
    public void Produce_EmbeddedKafka_MatchedRetention() => Produce(_endpoint);

    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTripsPerInvocation)]
    [BenchmarkCategory("ProduceThenConsume")]
    public void ProduceThenConsume_LibrdkafkaMock() => ProduceThenConsume(_endpoint);

    [Benchmark(OperationsPerInvoke = RoundTripsPerInvocation)]
    [BenchmarkCategory("ProduceThenConsume")]
    public void ProduceThenConsume_EmbeddedKafka() => ProduceThenConsume(_endpoint);

    private static void Produce(BrokerEndpoint endpoint) => endpoint.ProduceAll(BrokerEndpoint.Produced, ProducedPerInvocation, Value);

    private static void ProduceThenConsume(BrokerEndpoint endpoint)
    {
        endpoint.ProduceAll(BrokerEndpoint.Consumed, RoundTripsPerInvocation, Value);
        endpoint.ConsumeAll(RoundTripsPerInvocation);
    }

    private static byte[] CreateValue()
    {
        var value = new byte[1024];
        new Random(1024).NextBytes(value);
        return value;
    }
}
