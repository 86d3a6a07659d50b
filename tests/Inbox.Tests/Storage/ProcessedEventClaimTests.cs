using Microsoft.EntityFrameworkCore;
using Outbox.Inbox.Internal.Storage;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.Storage;

/// <summary>The one-statement inbox row insert, against each database that has it.</summary>
public sealed class ProcessedEventClaimTests
{
    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_new_event_of_a_free_key_is_claimed_once_and_the_row_reads_back_as_EF_Core_writes_it(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var row = Row(Guid.CreateVersion7());

        Assert.True(await ClaimAndCommitAsync(database, row, "order-1", ct));
        Assert.False(await ClaimAndCommitAsync(database, row, "order-1", ct));
        Assert.False(await ClaimAndCommitAsync(database, row, key: null, ct));

        await using var db = database.NewContext();
        var stored = Assert.Single(await db.Set<ProcessedEvent>().ToListAsync(ct));
        Assert.Equal((row.ConsumerGroup, row.EventId, row.ProcessedAt, false), (stored.ConsumerGroup, stored.EventId, stored.ProcessedAt, stored.Abandoned));
        Assert.True(await db.Set<ProcessedEvent>().AnyAsync(p => p.ConsumerGroup == "shipping" && p.EventId == row.EventId, ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_blocked_key_claims_nothing_while_other_keys_and_groups_do(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        await using (var db = database.NewContext())
        {
            db.Add(new BlockedKey { ConsumerGroup = "shipping", Topic = "orders", Key = "order-1", FailedEventId = Guid.CreateVersion7(), BlockedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(ct);
        }

        Assert.False(await ClaimAndCommitAsync(database, Row(Guid.CreateVersion7()), "order-1", ct));
        Assert.True(await ClaimAndCommitAsync(database, Row(Guid.CreateVersion7()), "order-2", ct));
        Assert.True(await ClaimAndCommitAsync(database, Row(Guid.CreateVersion7(), group: "billing"), "order-1", ct));
        Assert.True(await ClaimAndCommitAsync(database, Row(Guid.CreateVersion7()), key: null, ct));

        await using var check = database.NewContext();
        Assert.Equal(3, await check.Set<ProcessedEvent>().CountAsync(ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_rolled_back_claim_leaves_no_row(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var row = Row(Guid.CreateVersion7());
        await using (var db = database.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            Assert.True(await ProcessedEventClaim.For(db)!.TryClaimAsync(db, row, "orders", "order-1", ct));
            await transaction.RollbackAsync(ct);
        }

        await using var check = database.NewContext();
        Assert.Empty(await check.Set<ProcessedEvent>().ToListAsync(ct));
    }

    private static ProcessedEvent Row(Guid eventId, string group = "shipping") =>
        new() { ConsumerGroup = group, EventId = eventId, ProcessedAt = new DateTime(2026, 11, 26, 12, 30, 45, 123, DateTimeKind.Utc) };

    private static async Task<bool> ClaimAndCommitAsync(TestDatabase database, ProcessedEvent row, string? key, CancellationToken cancellationToken)
    {
        await using var db = database.NewContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await ProcessedEventClaim.For(db)!.TryClaimAsync(db, row, "orders", key, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }
}
