using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Internal.Storage;
using Outbox.Tests.Support;

namespace Outbox.Tests.Storage;

/// <summary>
/// What every database dialect must do for capture and for the relay's hot queries. Each dialect runs
/// it through a one-line subclass with its own fixture.
/// </summary>
public abstract class OutboxStoreSpecification<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : OutboxDatabaseFixture
{
    private static readonly DateTime Now = new(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private ServiceProvider _services = null!;

    protected ServiceProvider Services => _services;

    protected TFixture Fixture => fixture;

    public async ValueTask InitializeAsync()
    {
        fixture.Require();
        _services = fixture.CreateServices(o => o.LaneCount = 1).BuildServiceProvider();
        await using var context = fixture.CreateContext();
        await context.Set<OutboxRecord>().ExecuteDeleteAsync();
        await context.Set<OutboxLeaseRecord>().ExecuteDeleteAsync();
        await context.Orders.ExecuteDeleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task Commit_writes_the_outbox_rows_with_the_business_data_and_all_headers()
    {
        using var activity = new Activity("place-order").SetIdFormat(ActivityIdFormat.W3C).Start();
        await using (var scope = _services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            context.Orders.Add(new Order { Id = "o-1" });
            outbox.Add(new OrderPlaced("o-1", 1), "o-1", new OutboxMessageOptions { CorrelationId = "corr", CausationId = "cause" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var row = Assert.Single(await ReadRowsAsync());
        Assert.Equal("o-1", row.MessageKey);
        Assert.Equal("orders.order-placed", row.Topic);
        Assert.Equal("orders.order-placed", row.MessageType);
        Assert.Null(row.PublishedAt);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers)!;
        Assert.Equal("1.0", headers["ce_specversion"]);
        Assert.Equal(row.EventId.ToString(), headers["ce_id"]);
        Assert.Equal(7, row.EventId.Version);
        Assert.Equal("orders.order-placed", headers["ce_type"]);
        Assert.Equal("/tests", headers["ce_source"]);
        Assert.Equal("application/json", headers["content-type"]);
        Assert.Equal("o-1", headers["ce_partitionkey"]);
        Assert.Equal("corr", headers["ce_correlationid"]);
        Assert.Equal("cause", headers["ce_causationid"]);
        Assert.True(DateTimeOffset.TryParse(headers["ce_time"], out _));
        Assert.Equal($"00-{activity.TraceId}-{activity.SpanId}-00", headers["traceparent"]);
        Assert.Equal("""{"orderId":"o-1","sequence":1}""", System.Text.Encoding.UTF8.GetString(row.Payload));
        await using var check = fixture.CreateContext();
        Assert.Equal(1, await check.Orders.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Rollback_writes_no_outbox_rows()
    {
        await using (var scope = _services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            context.Orders.Add(new Order { Id = "o-2" });
            outbox.Add(new OrderPlaced("o-2", 1), "o-2");
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);

            // The same context carries on: a later commit must not resurrect the rolled-back message.
            context.ChangeTracker.Clear();
            context.Orders.Add(new Order { Id = "o-3" });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(await ReadRowsAsync());
    }

    [Fact]
    public async Task A_save_with_only_outbox_messages_writes_them()
    {
        await using (var scope = _services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            scope.ServiceProvider.GetRequiredService<IOutbox>().Add(new OrderPlaced("o-4", 1), "o-4");
            context.SaveChanges();
        }

        Assert.Single(await ReadRowsAsync());
    }

    [Fact]
    public async Task Messages_of_several_saves_in_one_transaction_are_written_once_at_its_commit()
    {
        await using (var scope = _services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            for (var i = 1; i <= 3; i++)
            {
                context.Orders.Add(new Order { Id = "o-5-" + i });
                outbox.Add(new OrderPlaced("o-5", i), "o-5");
                await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            }

            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        var rows = await ReadRowsAsync();
        Assert.Equal([1, 2, 3], rows.Select(r => JsonDocument.Parse(r.Payload).RootElement.GetProperty("sequence").GetInt32()));
    }

    [Fact]
    public async Task A_failed_save_writes_nothing_and_its_retry_writes_each_message_once()
    {
        await using (var seed = fixture.CreateContext())
        {
            seed.Orders.Add(new Order { Id = "taken" });
            await seed.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = _services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var duplicate = new Order { Id = "taken" };
            context.Orders.Add(duplicate);
            context.Orders.Add(new Order { Id = "fresh" });
            outbox.Add(new OrderPlaced("fresh", 1), "fresh");
            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync(TestContext.Current.CancellationToken));
            Assert.Empty(await ReadRowsAsync());

            context.Entry(duplicate).State = EntityState.Detached;
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.Single(await ReadRowsAsync());
    }

    [Fact]
    public async Task Claims_return_a_lanes_unpublished_rows_in_insertion_order()
    {
        await AddMessagesAsync(5, "o-6");
        var ids = (await ReadRowsAsync()).Select(r => r.Id).ToList();

        var first = await RunAsync((c, s) => s.ClaimBatchAsync(c, 0, 3, [], TestContext.Current.CancellationToken));
        Assert.Equal(ids.Take(3), first.Select(m => m.Id));
        Assert.Equal("o-6", first[0].MessageKey);

        await RunAsync((c, s) => s.MarkPublishedAsync(c, [ids[0], ids[1]], Now, TestContext.Current.CancellationToken));
        await RunAsync((c, s) => s.MarkFailedAsync(c, ids[2], "too large", Now, TestContext.Current.CancellationToken));

        var next = await RunAsync((c, s) => s.ClaimBatchAsync(c, 0, 10, [], TestContext.Current.CancellationToken));
        Assert.Equal(ids.Skip(3), next.Select(m => m.Id));
        Assert.Empty(await RunAsync((c, s) => s.ClaimBatchAsync(c, 1, 10, [], TestContext.Current.CancellationToken)));
        Assert.Equal("too large", (await ReadRowsAsync()).Single(r => r.Id == ids[2]).FailureReason);
    }

    [Fact]
    public async Task A_claim_leaves_out_the_ids_it_is_given_and_still_fills_its_limit()
    {
        await AddMessagesAsync(6, "o-9");
        var ids = (await ReadRowsAsync()).Select(r => r.Id).ToList();

        var claimed = await RunAsync((c, s) => s.ClaimBatchAsync(c, 0, 3, [ids[0], ids[2], ids[3]], TestContext.Current.CancellationToken));

        Assert.Equal([ids[1], ids[4], ids[5]], claimed.Select(m => m.Id));
    }

    [Fact]
    public async Task Marking_published_twice_keeps_the_first_time()
    {
        await AddMessagesAsync(1, "o-7");
        var id = (await ReadRowsAsync()).Single().Id;

        Assert.Equal(1, await RunAsync((c, s) => s.MarkPublishedAsync(c, [id], Now, TestContext.Current.CancellationToken)));
        Assert.Equal(0, await RunAsync((c, s) => s.MarkPublishedAsync(c, [id], Now.AddHours(1), TestContext.Current.CancellationToken)));

        Assert.Equal(Now, (await ReadRowsAsync()).Single().PublishedAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Cleanup_deletes_only_rows_published_before_the_cutoff()
    {
        await AddMessagesAsync(3, "o-8");
        var ids = (await ReadRowsAsync()).Select(r => r.Id).ToList();
        await RunAsync((c, s) => s.MarkPublishedAsync(c, [ids[0]], Now.AddDays(-2), TestContext.Current.CancellationToken));
        await RunAsync((c, s) => s.MarkPublishedAsync(c, [ids[1]], Now, TestContext.Current.CancellationToken));

        Assert.Equal(1, await RunAsync((c, s) => s.DeletePublishedAsync(c, Now.AddDays(-1), 100, TestContext.Current.CancellationToken)));

        Assert.Equal(ids.Skip(1), (await ReadRowsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task The_cleanup_job_deletes_published_rows_past_the_retention_period_and_keeps_the_rest()
    {
        await AddMessagesAsync(3, "o-9");
        var ids = (await ReadRowsAsync()).Select(r => r.Id).ToList();
        await RunAsync((c, s) => s.MarkPublishedAsync(c, [ids[0], ids[1]], new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), TestContext.Current.CancellationToken));
        var job = ActivatorUtilities.CreateInstance<Internal.OutboxCleanupJob>(_services);

        Assert.Equal(2, await job.RunAsync(TestContext.Current.CancellationToken));

        Assert.Equal([ids[2]], (await ReadRowsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task A_lease_is_held_by_one_owner_until_it_expires_or_is_released()
    {
        var ct = TestContext.Current.CancellationToken;
        await RunAsync(async (c, s) => { await s.EnsureLeasesAsync(c, ["lane:0", "lane:0"], ct); return 0; });

        Assert.True(await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "lane:0", "a", Now, Now.AddSeconds(30), ct)));
        Assert.False(await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "lane:0", "b", Now.AddSeconds(10), Now.AddSeconds(40), ct)));
        Assert.True(await RunAsync((c, s) => s.RenewLeaseAsync(c, "lane:0", "a", Now.AddSeconds(60), ct)));
        Assert.False(await RunAsync((c, s) => s.RenewLeaseAsync(c, "lane:0", "b", Now.AddSeconds(60), ct)));

        // Expired: b takes over, and a can no longer renew.
        Assert.True(await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "lane:0", "b", Now.AddSeconds(61), Now.AddSeconds(90), ct)));
        Assert.False(await RunAsync((c, s) => s.RenewLeaseAsync(c, "lane:0", "a", Now.AddSeconds(120), ct)));

        await RunAsync(async (c, s) => { await s.ReleaseLeaseAsync(c, "lane:0", "b", ct); return 0; });
        Assert.True(await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "lane:0", "a", Now.AddSeconds(62), Now.AddSeconds(92), ct)));
    }

    [Fact]
    public async Task Live_relays_are_those_whose_heartbeat_has_not_expired()
    {
        var ct = TestContext.Current.CancellationToken;
        await RunAsync(async (c, s) => { await s.EnsureLeasesAsync(c, ["relay:a", "relay:b", "lane:0"], ct); return 0; });
        await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "relay:a", "a", Now, Now.AddSeconds(30), ct));
        await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "relay:b", "b", Now, Now.AddSeconds(10), ct));
        await RunAsync((c, s) => s.TryAcquireLeaseAsync(c, "lane:0", "a", Now, Now.AddSeconds(30), ct));

        Assert.Equal(2, await RunAsync((c, s) => s.CountLiveRelaysAsync(c, Now.AddSeconds(5), ct)));
        Assert.Equal(1, await RunAsync((c, s) => s.CountLiveRelaysAsync(c, Now.AddSeconds(20), ct)));
    }

    private async Task AddMessagesAsync(int count, string key)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
        for (var i = 1; i <= count; i++)
        {
            outbox.Add(new OrderPlaced(key, i), key);
        }

        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private protected Task<T> RunAsync<T>(Func<System.Data.Common.DbConnection, OutboxStore, Task<T>> work) =>
        _services.GetRequiredService<IOutboxDatabase>().RunAsync(work, TestContext.Current.CancellationToken);

    private protected async Task<List<OutboxRecord>> ReadRowsAsync()
    {
        await using var context = fixture.CreateContext();
        return await context.Set<OutboxRecord>().AsNoTracking().OrderBy(r => r.Id).ToListAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteOutboxStoreTests(SqliteFixture fixture) : OutboxStoreSpecification<SqliteFixture>(fixture);

public sealed class PostgreSqlOutboxStoreTests(PostgreSqlFixture fixture) : RowLockingOutboxStoreSpecification<PostgreSqlFixture>(fixture);

public sealed class SqlServerOutboxStoreTests(SqlServerFixture fixture) : RowLockingOutboxStoreSpecification<SqlServerFixture>(fixture);
