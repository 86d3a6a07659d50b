using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>Consumer groups with librdkafka: rebalances with the range and cooperative-sticky assignors under load.</summary>
public sealed class GroupRebalanceTests
{
    private const string Topic = "events";
    private const int Partitions = 6;

    [Theory]
    [InlineData(PartitionAssignmentStrategy.Range)]
    [InlineData(PartitionAssignmentStrategy.CooperativeSticky)]
    public async Task Three_members_joining_and_leaving_under_load_process_every_record_exactly_once(PartitionAssignmentStrategy strategy)
    {
        var ct = TestContext.Current.CancellationToken;
        var brokerLog = new TimedLog();
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = Partitions }, brokerLog, ct);
        var config = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = $"group-{strategy}",
            PartitionAssignmentStrategy = strategy,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            MaxPollIntervalMs = 10_000,
            // The group protocol as librdkafka sees it, kept for the failure message of a rebalance that never settles.
            Debug = "cgrp",
        };
        var processed = new ConcurrentQueue<(string Consumer, ConsumeResult<string, string> Record)>();
        await using var load = new Load(broker.BootstrapServers);
        await load.ProduceAsync(100, ct);

        var members = new List<CommittingConsumer>();
        string State() => string.Join(Environment.NewLine, members.Select(m => m.Describe()).Append($"broker:{Environment.NewLine}  {brokerLog}"));

        using var a = new CommittingConsumer("a", config, Topic, processed);
        members.Add(a);
        await Eventually.HoldsAsync(() => a.Assignment.Count == Partitions && a.ProcessedCount > 0, "a owns every partition", ct, state: State);

        load.Start();
        using var b = new CommittingConsumer("b", config, Topic, processed);
        members.Add(b);
        await Eventually.HoldsAsync(() => Split([a, b]), "a and b share the partitions", ct, state: State);
        using var c = new CommittingConsumer("c", config, Topic, processed);
        members.Add(c);
        await Eventually.HoldsAsync(() => Split([a, b, c]), "a, b and c share the partitions", ct, state: State);
        await Eventually.HoldsAsync(() => b.ProcessedCount > 0 && c.ProcessedCount > 0, "b and c process records", ct, state: State);

        a.Stop();
        await Eventually.HoldsAsync(() => Split([b, c]), "b and c take over a's partitions", ct, state: State);
        var produced = await load.StopAsync();

        // A backlog still draining and a record skipped for good both time out here; the progress tells them apart.
        string Progress() => Describe(processed, produced) + Environment.NewLine + State();
        await Eventually.HoldsAsync(() => processed.Count >= produced.Count, $"{produced.Count} records are processed", ct, state: Progress);
        b.Stop();
        c.Stop();

        var values = processed.Select(p => p.Record.Message.Value).ToList();
        Assert.Empty(values.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(produced.Order(StringComparer.Ordinal), values.Order(StringComparer.Ordinal));
        Assert.All(new[] { "a", "b", "c" }, name => Assert.Contains(processed, p => p.Consumer == name));
    }

    /// <summary>How far processing got: the count, each partition's last processed offset, and the first records not processed.</summary>
    private static string Describe(IEnumerable<(string Consumer, ConsumeResult<string, string> Record)> processed, IReadOnlyList<string> produced)
    {
        var snapshot = processed.ToList();
        var lastOffsets = snapshot.GroupBy(p => p.Record.Partition.Value).OrderBy(g => g.Key).Select(g => $"[{g.Key}] @{g.Max(p => p.Record.Offset.Value)}");
        var done = snapshot.Select(p => p.Record.Message.Value).ToHashSet(StringComparer.Ordinal);
        var missing = produced.Where(value => !done.Contains(value)).ToList();
        return $"processed {snapshot.Count} of {produced.Count}; last processed offsets {string.Join(", ", lastOffsets)}; "
            + $"{missing.Count} not processed, first: {string.Join(", ", missing.Take(10))}";
    }

    /// <summary>Every partition owned by exactly one of the consumers, and each owns at least one.</summary>
    private static bool Split(IReadOnlyList<CommittingConsumer> consumers)
    {
        var assignments = consumers.Select(c => c.Assignment).ToList();
        return assignments.All(a => a.Count > 0)
            && assignments.Sum(a => a.Count) == Partitions
            && assignments.SelectMany(a => a).Distinct().Count() == Partitions;
    }

    /// <summary>The broker's log lines with the time they were written, to set beside the members' histories.</summary>
    private sealed class TimedLog : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}");

        public override string ToString() => string.Join(Environment.NewLine + "  ", _lines);
    }

    /// <summary>A producer that writes keyed records at a steady pace in the background until stopped.</summary>
    private sealed class Load(string bootstrapServers) : IAsyncDisposable
    {
        private readonly IProducer<string, string> _producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            LingerMs = 2,
        }).Build();

        private readonly List<string> _produced = [];
        private readonly CancellationTokenSource _stop = new();
        private Task? _background;

        public async Task ProduceAsync(int count, CancellationToken cancellationToken)
        {
            var deliveries = new List<Task<DeliveryResult<string, string>>>();
            for (var i = 0; i < count; i++)
            {
                var value = $"record-{_produced.Count}";
                _produced.Add(value);
                deliveries.Add(_producer.ProduceAsync(Topic, new Message<string, string> { Key = value, Value = value }, cancellationToken));
            }

            await Task.WhenAll(deliveries);
        }

        public void Start() => _background = RunAsync(_stop.Token);

        public async Task<IReadOnlyList<string>> StopAsync()
        {
            await _stop.CancelAsync();
            if (_background is not null)
            {
                await _background;
            }

            return _produced;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _producer.Dispose();
            _stop.Dispose();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            // Ten records every 20 ms while members come and go.
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            try
            {
                while (await pace.WaitForNextTickAsync(cancellationToken))
                {
                    await ProduceAsync(10, CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
