using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outbox.Messaging;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Database;
using Outbox.Transactions.Internal.Processing;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.Unit;

public sealed class ProcessedEventRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private EnrichmentDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await EnrichmentDatabase.CreateAsync("sqlite");
        var services = new ServiceCollection();
        services.AddDbContext<EnrichmentDbContext>(o => EnrichmentDbContext.Use(o, _database.Provider, _database.ConnectionString));
        services.AddScoped<IPipelineHandler<OrderPlaced>, EnrichOrdersWithDatabase>();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Only_the_groups_rows_older_than_the_retention_are_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await HandleAsync("enricher", Now - TimeSpan.FromDays(8));
        var kept = await HandleAsync("enricher", Now - TimeSpan.FromDays(6));
        var otherGroup = await HandleAsync("other", Now - TimeSpan.FromDays(30));
        var retention = new ProcessedEventRetention(
            "enricher", "enricher", new PipelineDatabase(typeof(EnrichmentDbContext)), TimeSpan.FromDays(7),
            _services.GetRequiredService<IServiceScopeFactory>(), new FixedTime(Now), NullLogger.Instance);

        Assert.Equal(1, await retention.DeleteExpiredAsync(ct));

        await using var db = _database.NewContext();
        var left = await db.Database.SqlQuery<string>($"SELECT \"ConsumerGroup\" || ':' || \"EventId\" AS \"Value\" FROM \"InboxProcessedEvents\"").ToListAsync(ct);
        Assert.Equal(
            [$"enricher:{kept}".ToUpperInvariant(), $"other:{otherGroup}".ToUpperInvariant()],
            left.Select(row => row.ToUpperInvariant()).Order());
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(-1, 60)]
    [InlineData(60, 0)]
    public void Start_up_rejects_a_retention_or_interval_that_is_not_positive(int retentionSeconds, int intervalSeconds)
    {
        var options = new PipelineDatabaseOptions { ProcessedEventRetention = TimeSpan.FromSeconds(retentionSeconds), RetentionInterval = TimeSpan.FromSeconds(intervalSeconds) };

        var result = new PipelineDatabaseOptionsValidator().Validate("enricher", options);

        Assert.True(result.Failed);
        Assert.Contains("'enricher'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void No_retention_is_valid()
    {
        Assert.Equal(ValidateOptionsResult.Success, new PipelineDatabaseOptionsValidator().Validate("enricher", new PipelineDatabaseOptions { ProcessedEventRetention = null }));
    }

    private async Task<Guid> HandleAsync(string group, DateTimeOffset at)
    {
        var options = new TransactionalPipelineOptions { GroupId = group };
        options.Topics.Add("orders");
        var attempt = new DatabaseHandlerAttempt<OrderPlaced>(
            PipelineSettings.From(group, options), new PipelineDatabase(typeof(EnrichmentDbContext)),
            _services.GetRequiredService<IServiceScopeFactory>(), new FixedTime(at), NullLogger.Instance);
        var envelope = InputRecords.Envelope(new OrderPlaced("key-1", 0), "key-1");
        var outputs = new OutputRecordFactory(new MessageTypeRegistry(), new JsonMessageSerializer(), "/enricher", TimeProvider.System);
        await attempt.RunAsync(new OrderPlaced("key-1", 0), new PipelineContext(envelope, new TopicPartitionOffset("orders", 0, 0), 1, outputs), TestContext.Current.CancellationToken);
        return envelope.Id;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
