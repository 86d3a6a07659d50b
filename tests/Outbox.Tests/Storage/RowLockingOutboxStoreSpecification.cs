using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Internal.Storage;
using Outbox.Tests.Support;

namespace Outbox.Tests.Storage;

/// <summary>
/// What a database with row locks must do besides the common specification: transactions on one
/// aggregate interleave there, and outbox positions must still follow commit order. SQLite has one
/// writer at a time, so the question does not arise for it.
/// </summary>
public abstract class RowLockingOutboxStoreSpecification<TFixture>(TFixture fixture) : OutboxStoreSpecification<TFixture>(fixture)
    where TFixture : OutboxDatabaseFixture
{
    [Fact]
    public async Task Ids_follow_commit_order_when_two_transactions_change_one_aggregate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var seed = Fixture.CreateContext())
        {
            seed.Orders.Add(new Order { Id = "agg" });
            await seed.SaveChangesAsync(ct);
        }

        await using var firstScope = Services.CreateAsyncScope();
        await using var secondScope = Services.CreateAsyncScope();
        var first = firstScope.ServiceProvider.GetRequiredService<OrdersContext>();
        var second = secondScope.ServiceProvider.GetRequiredService<OrdersContext>();

        // First takes the aggregate's row lock.
        await using var firstTx = await first.Database.BeginTransactionAsync(ct);
        (await first.Orders.SingleAsync(o => o.Id == "agg", ct)).Version = 1;
        await first.SaveChangesAsync(ct);

        // Second adds its message first, then waits for the lock: with positions taken at insert it would get the lower id.
        await using var secondTx = await second.Database.BeginTransactionAsync(ct);
        secondScope.ServiceProvider.GetRequiredService<IOutbox>().Add(new OrderPlaced("agg", 2), "agg");
        await second.SaveChangesAsync(ct);
        var secondDone = Task.Run(async () =>
        {
            await second.Database.ExecuteSqlRawAsync("UPDATE orders SET \"Version\" = 2 WHERE \"Id\" = 'agg'".Replace("\"", Fixture.Dialect == "SQL Server" ? string.Empty : "\"", StringComparison.Ordinal), ct);
            await secondTx.CommitAsync(ct);
        }, ct);
        await WaitUntilBlockedAsync(ct);

        firstScope.ServiceProvider.GetRequiredService<IOutbox>().Add(new OrderPlaced("agg", 1), "agg");
        await first.SaveChangesAsync(ct);
        await firstTx.CommitAsync(ct);
        await secondDone;

        var rows = await ReadRowsAsync();
        Assert.Equal([1, 2], rows.OrderBy(r => r.Id).Select(r => JsonDocument.Parse(r.Payload).RootElement.GetProperty("sequence").GetInt32()));
    }

    private async Task WaitUntilBlockedAsync(CancellationToken ct)
    {
        var query = Fixture.Dialect == "PostgreSQL"
            ? "SELECT COUNT(*) FROM pg_locks WHERE NOT granted"
            : "SELECT COUNT(*) FROM sys.dm_tran_locks WHERE request_status = 'WAIT'";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var waiting = await RunAsync(async (c, _) => Convert.ToInt32(await Dapper.SqlMapper.ExecuteScalarAsync(c, query), System.Globalization.CultureInfo.InvariantCulture));
            if (waiting > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The second transaction never waited for the aggregate's lock.");
            await Task.Yield();
            await Task.Delay(10, ct);
        }
    }
}
