using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Inbox.Internal.Retention;
using Outbox.Inbox.Internal.Storage;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.Storage;

public sealed class InboxRetentionJobTests
{
    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Only_the_groups_inbox_rows_older_than_the_retention_are_deleted(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = InboxServices.Build(database, new HandlerProbe(), o => o.ProcessedEventRetention = TimeSpan.FromDays(2));
        var now = DateTime.UtcNow;
        var keep = Guid.CreateVersion7();
        var otherGroup = Guid.CreateVersion7();
        await using (var db = database.NewContext())
        {
            db.AddRange(
                new ProcessedEvent { ConsumerGroup = "shipping", EventId = Guid.CreateVersion7(), ProcessedAt = now.AddDays(-3) },
                new ProcessedEvent { ConsumerGroup = "shipping", EventId = keep, ProcessedAt = now.AddDays(-1) },
                new ProcessedEvent { ConsumerGroup = "billing", EventId = otherGroup, ProcessedAt = now.AddDays(-3) });
            await db.SaveChangesAsync(ct);
        }

        var deleted = await ActivatorUtilities.CreateInstance<InboxRetentionJob>(services).DeleteExpiredAsync(ct);

        Assert.Equal(1, deleted);
        await using var check = database.NewContext();
        Assert.Equal(new[] { keep, otherGroup }.Order(), (await check.Set<ProcessedEvent>().Select(p => p.EventId).ToListAsync(ct)).Order());
    }
}
