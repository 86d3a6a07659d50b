using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Internal.Relay;
using Outbox.Internal.Storage;
using Outbox.Testing.Kafka;
using Outbox.Tests.Support;

namespace Outbox.Tests.Relay;

/// <summary>
/// What the relay guarantees end to end, database to Kafka: nothing from a rolled-back transaction,
/// each committed message exactly once with its headers, per-key order, and all of that across
/// several instances, crashes, zombies and outages. Run once per database dialect.
/// </summary>
public abstract class RelaySpecification<TFixture>(RelayFixture<TFixture> fixture) : IClassFixture<RelayFixture<TFixture>>, IAsyncLifetime
    where TFixture : OutboxDatabaseFixture, new()
{
    private readonly TFixture database = fixture.Database;
    private readonly KafkaFixture kafka = fixture.Kafka;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public async ValueTask InitializeAsync()
    {
        database.Require();
        await using var context = database.CreateContext();
        await context.Set<OutboxRecord>().ExecuteDeleteAsync();
        await context.Set<OutboxLeaseRecord>().ExecuteDeleteAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Commit_publishes_exactly_once_with_all_headers_and_rollback_publishes_nothing()
    {
        var scenario = RelayScenario.New();
        await using var relay = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);

        await using (var scope = relay.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(new OrderPlaced("rolled-back", 1), "rolled-back");
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        await relay.AddAsync([new OrderPlaced("o-1", 1)]);
        await WaitUntilPublishedAsync(1);

        var record = Assert.Single(await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic));
        await using var check = database.CreateContext();
        var row = await check.Set<OutboxRecord>().SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal("o-1", record.Key);
        Assert.Equal(new OrderPlaced("o-1", 1), record.Message);
        Assert.Equal(row.EventId.ToString(), record.Headers["ce_id"]);
        Assert.Equal("1.0", record.Headers["ce_specversion"]);
        Assert.Equal("orders.order-placed", record.Headers["ce_type"]);
        Assert.Equal("/tests", record.Headers["ce_source"]);
        Assert.Equal("application/json", record.Headers["content-type"]);
        Assert.Equal("o-1", record.Headers["ce_partitionkey"]);
        Assert.True(DateTimeOffset.TryParse(record.Headers["ce_time"], out _));
    }

    [Fact]
    public async Task A_commit_in_this_process_wakes_the_relay_without_waiting_for_the_poll()
    {
        var scenario = RelayScenario.New(laneCount: 1);
        await using var relay = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario, o => o.PollInterval = TimeSpan.FromMinutes(30));
        await relay.AddAsync([new OrderPlaced("o-1", 1)]);
        await WaitUntilPublishedAsync(1);

        // The lane is now idle until the next poll, half an hour away: only the commit's signal can wake it in time.
        await relay.AddAsync([new OrderPlaced("o-1", 2)]);
        await WaitUntilPublishedAsync(2);

        Assert.Equal([1, 2], (await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic)).Select(r => r.Message.Sequence));
    }

    [Fact]
    public async Task Per_key_order_holds_over_thousands_of_messages_and_several_lanes()
    {
        var scenario = RelayScenario.New(laneCount: 4);
        await using var relay = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);

        const int keys = 20, perKey = 100;
        for (var sequence = 1; sequence <= perKey; sequence += 10)
        {
            await relay.AddAsync(
                from s in Enumerable.Range(sequence, 10)
                from k in Enumerable.Range(0, keys)
                select new OrderPlaced("key-" + k, s));
        }

        await WaitUntilPublishedAsync(keys * perKey);
        AssertExactlyOnceInOrder(await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic), keys, perKey);
    }

    [Fact]
    public async Task Two_relay_instances_share_the_lanes_without_duplicates_or_reordering()
    {
        var scenario = RelayScenario.New(laneCount: 4);
        await using var first = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);
        await using var second = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);

        const int keys = 16, perKey = 60;
        for (var sequence = 1; sequence <= perKey; sequence += 5)
        {
            var writer = sequence % 2 == 1 ? first : second;
            await writer.AddAsync(
                from s in Enumerable.Range(sequence, 5)
                from k in Enumerable.Range(0, keys)
                select new OrderPlaced("key-" + k, s));
        }

        await WaitUntilPublishedAsync(keys * perKey);
        await WaitUntilAsync(async () => await LaneOwnersAsync() == 2, "both instances to hold lanes");
        AssertExactlyOnceInOrder(await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic), keys, perKey);
    }

    [Fact]
    public async Task A_relay_stopped_between_Kafka_commit_and_database_update_leaves_one_copy_after_another_takes_over()
    {
        var scenario = RelayScenario.New(laneCount: 1);
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);
        first.Hooks.AfterKafkaCommit = async (_, _, ct) =>
        {
            crashed.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };

        await first.AddAsync(Enumerable.Range(1, 50).Select(i => new OrderPlaced("key-0", i)));
        await crashed.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await first.DisposeAsync();
        await using (var context = database.CreateContext())
        {
            Assert.True(await context.Set<OutboxRecord>().CountAsync(r => r.PublishedAt == null, TestContext.Current.CancellationToken) > 0, "The stopped relay should have left its committed batch unmarked.");
        }

        await using var second = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);
        await WaitUntilPublishedAsync(50);
        AssertExactlyOnceInOrder(await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic), 1, 50);
    }

    [Fact]
    public async Task Batches_committed_before_their_rows_were_marked_are_not_published_again_by_the_next_owner()
    {
        var scenario = RelayScenario.New(laneCount: 1);
        var secondCommitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = 0;
        var first = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario, o => o.BatchSize = 10);

        // No mark ever lands: the second batch goes out while the first is still unmarked, then the lane waits.
        first.Hooks.BeforeMarkPublished = (_, _, ct) => Task.Delay(Timeout.Infinite, ct);
        first.Hooks.AfterKafkaCommit = (_, _, _) =>
        {
            if (Interlocked.Increment(ref commits) == 2)
            {
                secondCommitted.TrySetResult();
            }

            return Task.CompletedTask;
        };

        await first.AddAsync(Enumerable.Range(1, 50).Select(i => new OrderPlaced("key-0", i)));
        await secondCommitted.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await first.DisposeAsync();
        await using (var context = database.CreateContext())
        {
            Assert.Equal(50, await context.Set<OutboxRecord>().CountAsync(r => r.PublishedAt == null, TestContext.Current.CancellationToken));
        }

        await using var second = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario, o => o.BatchSize = 10);
        await WaitUntilPublishedAsync(50);
        AssertExactlyOnceInOrder(await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic), 1, 50);
    }

    [Fact]
    public async Task A_zombie_owner_is_fenced_and_its_batch_is_never_committed()
    {
        var scenario = RelayScenario.New(laneCount: 1);
        await using var host = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario, o => o.EnableRelay = false);
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutboxOptions>>().Value;
        await CheckpointTopic.EnsureAsync(options.Kafka, options.CheckpointTopic, 1, options.KafkaTimeout, TestContext.Current.CancellationToken);
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        RelayContext ContextWith(RelayHooks hooks) => new(
            options, host.Services.GetRequiredService<IOutboxDatabase>(), new Internal.RelaySignal(), hooks, TimeProvider.System, logger);

        var zombieProduced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var zombieMayCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var zombieCommitted = false;
        using var zombieStop = new CancellationTokenSource();
        var zombieHooks = new RelayHooks
        {
            BeforeKafkaCommit = async (_, _, _) =>
            {
                zombieProduced.TrySetResult();
                await zombieMayCommit.Task;
                await zombieStop.CancelAsync();
            },
            AfterKafkaCommit = (_, _, _) =>
            {
                zombieCommitted = true;
                return Task.CompletedTask;
            },
        };

        await host.AddAsync(Enumerable.Range(1, 10).Select(i => new OrderPlaced("key-0", i)));
        using var zombieLane = new RelayLane(0, ContextWith(zombieHooks));
        var zombie = zombieLane.RunAsync(zombieStop.Token);
        await zombieProduced.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);

        using var ownerStop = new CancellationTokenSource();
        using var ownerLane = new RelayLane(0, ContextWith(new RelayHooks()));
        var owner = ownerLane.RunAsync(ownerStop.Token);
        await WaitUntilPublishedAsync(10);

        zombieMayCommit.SetResult();
        await zombie.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await ownerStop.CancelAsync();
        await owner.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.False(zombieCommitted, "The zombie's commit should have been fenced.");
        AssertExactlyOnceInOrder(await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic), 1, 10);
    }

    [Fact]
    public async Task A_message_that_can_never_be_published_is_set_aside_without_blocking_the_others()
    {
        var scenario = RelayScenario.New(laneCount: 1);
        await using var relay = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);

        await using (var scope = relay.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            outbox.Add(new OrderPlaced("key-0", 1), "key-0");
            outbox.Add(new OrderPlaced(new string('x', 2 * 1024 * 1024), 2), "huge");
            outbox.Add(new OrderPlaced("key-0", 3), "key-0");
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await WaitUntilPublishedAsync(2);
        await using var check = database.CreateContext();
        var failed = await check.Set<OutboxRecord>().SingleAsync(r => r.FailedAt != null, TestContext.Current.CancellationToken);
        Assert.Equal("huge", failed.MessageKey);
        Assert.Contains("MsgSizeTooLarge", failed.FailureReason, StringComparison.Ordinal);
        var records = await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic);
        Assert.Equal([1, 3], records.Select(r => r.Message.Sequence));
    }

    [Fact]
    public async Task A_broker_outage_is_survived_with_nothing_lost_or_duplicated()
    {
        var broker = kafka.Embedded;
        if (broker is null)
        {
            Assert.Skip("The outage is injected into the embedded broker; this run uses " + kafka.Source + ".");
        }

        var scenario = RelayScenario.New(laneCount: 2);
        await using var relay = await RelayHost.StartAsync(database, kafka.BootstrapServers, scenario);
        await relay.AddAsync(Enumerable.Range(1, 20).Select(i => new OrderPlaced("key-" + (i % 4), i)));
        await WaitUntilPublishedAsync(20);

        broker.Faults.RefuseConnections(TimeSpan.FromSeconds(3));
        broker.Faults.CloseAllConnections();
        await relay.AddAsync(Enumerable.Range(21, 20).Select(i => new OrderPlaced("key-" + (i % 4), i)));

        await WaitUntilPublishedAsync(40);
        var records = await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic);
        Assert.Equal(40, records.Count);
        Assert.Equal(Enumerable.Range(1, 40), records.Select(r => r.Message.Sequence).Order());
        foreach (var key in records.GroupBy(r => r.Key))
        {
            Assert.Equal(key.Select(r => r.Message.Sequence).Order(), key.Select(r => r.Message.Sequence));
        }
    }

    [Fact]
    public async Task A_database_outage_is_survived_with_nothing_lost_or_duplicated()
    {
        var scenario = RelayScenario.New(laneCount: 2);
        var outage = new DatabaseOutage();
        await using var relay = await RelayHost.StartAsync(
            database, kafka.BootstrapServers, scenario, services: s => s.AddSingleton(outage).Decorate());
        await relay.AddAsync(Enumerable.Range(1, 10).Select(i => new OrderPlaced("key-" + (i % 3), i)));
        await WaitUntilPublishedAsync(10);

        outage.Down = true;
        await relay.AddAsync(Enumerable.Range(11, 10).Select(i => new OrderPlaced("key-" + (i % 3), i)));
        await WaitUntilAsync(() => Task.FromResult(outage.Refused > 5), "the relay to hit the outage");
        outage.Down = false;

        await WaitUntilPublishedAsync(20);
        var records = await PublishedOrders.ReadAllAsync(kafka.BootstrapServers, scenario.Topic);
        Assert.Equal(Enumerable.Range(1, 20), records.Select(r => r.Message.Sequence).Order());
    }

    private static void AssertExactlyOnceInOrder(IReadOnlyList<ReadRecord> records, int keys, int perKey)
    {
        Assert.Equal(keys * perKey, records.Count);
        var byKey = records.GroupBy(r => r.Key!).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).ToList());
        Assert.Equal(keys, byKey.Count);
        foreach (var (key, keyed) in byKey)
        {
            Assert.Single(keyed.Select(r => r.Partition).Distinct());
            Assert.Equal(Enumerable.Range(1, perKey), keyed.Select(r => r.Message.Sequence));
        }

        Assert.Equal(records.Count, records.Select(r => r.Headers["ce_id"]).Distinct().Count());
    }

    private async Task<int> LaneOwnersAsync()
    {
        await using var context = database.CreateContext();
        return await context.Set<OutboxLeaseRecord>()
            .Where(l => l.Name.StartsWith("lane:") && l.Owner != null)
            .Select(l => l.Owner).Distinct().CountAsync(TestContext.Current.CancellationToken);
    }

    private Task WaitUntilPublishedAsync(int count) => WaitUntilAsync(async () =>
    {
        await using var context = database.CreateContext();
        return await context.Set<OutboxRecord>().CountAsync(r => r.PublishedAt != null, TestContext.Current.CancellationToken) >= count;
    }, $"{count} messages to be published");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

public sealed class SqliteRelayTests(RelayFixture<SqliteFixture> fixture) : RelaySpecification<SqliteFixture>(fixture);

public sealed class PostgreSqlRelayTests(RelayFixture<PostgreSqlFixture> fixture) : RelaySpecification<PostgreSqlFixture>(fixture);
