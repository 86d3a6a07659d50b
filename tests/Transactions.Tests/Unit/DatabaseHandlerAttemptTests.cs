using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.Messaging;
using Outbox.Testing.Messages;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Database;
using Outbox.Transactions.Internal.Processing;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.Unit;

public sealed class DatabaseHandlerAttemptTests : IAsyncLifetime
{
    private EnrichmentDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await EnrichmentDatabase.CreateAsync("sqlite");

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task The_first_attempt_commits_the_handlers_changes_with_the_inbox_row()
    {
        var envelope = EnvelopeRecords.Envelope(new OrderPlaced("key-1", 0), "key-1");
        var context = Context(envelope);

        await Attempt(Services()).RunAsync(new OrderPlaced("key-1", 0), context, TestContext.Current.CancellationToken);

        Assert.False(context.DatabaseEffectsCommitted);
        Assert.Single(context.Emitted);
        await using var db = _database.NewContext();
        Assert.Equal(envelope.Id, Assert.Single(await db.EnrichedOrders.ToListAsync(TestContext.Current.CancellationToken)).EventId);
        Assert.Equal(1, await InboxRowsAsync(db));
    }

    [Fact]
    public async Task An_input_whose_row_exists_is_handled_for_its_outputs_and_its_database_changes_are_rolled_back()
    {
        var envelope = EnvelopeRecords.Envelope(new OrderPlaced("key-1", 0), "key-1");
        var services = Services();
        await Attempt(services).RunAsync(new OrderPlaced("key-1", 0), Context(envelope), TestContext.Current.CancellationToken);
        var replay = Context(envelope);

        await Attempt(services).RunAsync(new OrderPlaced("key-1", 0), replay, TestContext.Current.CancellationToken);

        Assert.True(replay.DatabaseEffectsCommitted);
        Assert.Single(replay.Emitted);
        await using var db = _database.NewContext();
        Assert.Single(await db.EnrichedOrders.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, (await db.KeyTotals.SingleAsync(TestContext.Current.CancellationToken)).Orders);
        Assert.Equal(1, await InboxRowsAsync(db));
    }

    [Fact]
    public async Task A_handler_that_throws_after_saving_leaves_neither_its_changes_nor_an_inbox_row()
    {
        var envelope = EnvelopeRecords.Envelope(new OrderPlaced("key-1", 0, Poison: true), "key-1");

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Attempt(Services()).RunAsync(new OrderPlaced("key-1", 0, Poison: true), Context(envelope), TestContext.Current.CancellationToken));

        await using var db = _database.NewContext();
        Assert.Empty(await db.EnrichedOrders.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await db.KeyTotals.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await InboxRowsAsync(db));
    }

    [Fact]
    public async Task Start_up_fails_naming_the_fix_when_the_model_lacks_the_inbox_tables()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostApplicationLifetime, StartedApplicationLifetime>();
        services.AddDbContext<ContextWithoutInbox>(o => o.UseSqlite(_database.ConnectionString));
        services.AddTransactionalPipeline<OrderPlaced, EnrichOrders>("no-inbox", o => o.Topics.Add("orders")).WithDatabase<ContextWithoutInbox>();
        await using var provider = services.BuildServiceProvider();

        var pipeline = provider.GetServices<IHostedService>().OfType<TransactionalPipelineHostedService<OrderPlaced>>().Single();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AddInboxTables()", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ContextWithoutInbox), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_database_for_one_pipeline_is_refused()
    {
        var builder = new ServiceCollection().AddTransactionalPipeline<OrderPlaced, EnrichOrders>("twice", o => o.Topics.Add("orders")).WithDatabase<EnrichmentDbContext>();

        var error = Assert.Throws<InvalidOperationException>(() => builder.WithDatabase<EnrichmentDbContext>());

        Assert.Contains("'twice'", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddDbContext<EnrichmentDbContext>(o => EnrichmentDbContext.Use(o, _database.Provider, _database.ConnectionString));
        services.AddScoped<IPipelineHandler<OrderPlaced>, EnrichOrdersWithDatabase>();
        return services.BuildServiceProvider();
    }

    private static DatabaseHandlerAttempt<OrderPlaced> Attempt(ServiceProvider services)
    {
        var options = new TransactionalPipelineOptions();
        options.Topics.Add("orders");
        return new DatabaseHandlerAttempt<OrderPlaced>(
            PipelineSettings.From("enricher", options),
            new PipelineDatabase(typeof(EnrichmentDbContext)),
            services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System,
            NullLogger.Instance);
    }

    private static PipelineContext Context(MessageEnvelope envelope)
    {
        var registry = new MessageTypeRegistry();
        var outputs = new OutputRecordFactory(registry, new JsonMessageSerializer(), "/enricher", TimeProvider.System);
        return new PipelineContext(envelope, new TopicPartitionOffset("orders", 0, 0), 1, outputs);
    }

    private static Task<int> InboxRowsAsync(EnrichmentDbContext db) =>
        db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM \"InboxProcessedEvents\" WHERE \"ConsumerGroup\" = 'enricher'")
            .SingleAsync(TestContext.Current.CancellationToken);

    private sealed class ContextWithoutInbox(DbContextOptions<ContextWithoutInbox> options) : DbContext(options);
}
