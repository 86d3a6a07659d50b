using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outbox.Messaging;
using Outbox.Testing.Messages;
using Outbox.Transactions.Internal;
using Outbox.Transactions.Internal.Database;
using Outbox.Transactions.Internal.Processing;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;
using Quartz;

namespace Outbox.Transactions.Tests.Unit;

public sealed class ProcessedEventRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly CapturingLoggerProvider _logs = new();
    private EnrichmentDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await EnrichmentDatabase.CreateAsync("sqlite");
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(_logs).AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning));
        services.AddSingleton<IHostApplicationLifetime, StartedApplicationLifetime>();
        services.AddSingleton<TimeProvider>(new FixedTime(Now));
        services.AddDbContext<EnrichmentDbContext>(o => EnrichmentDbContext.Use(o, _database.Provider, _database.ConnectionString));
        services.AddTransactionalPipeline<OrderPlaced, EnrichOrdersWithDatabase>("enricher", Configure)
            .WithDatabase<EnrichmentDbContext>(o => o.RetentionInterval = TimeSpan.FromDays(1));
        services.AddTransactionalPipeline<OrderPlaced, EnrichOrdersWithDatabase>("archiver", Configure)
            .WithDatabase<EnrichmentDbContext>(o => o.ProcessedEventRetention = null);
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_scheduled_job_deletes_the_groups_rows_older_than_the_retention_at_start_and_at_each_firing()
    {
        var ct = TestContext.Current.CancellationToken;
        await HandleAsync("enricher", Now - TimeSpan.FromDays(8));
        var kept = await HandleAsync("enricher", Now - TimeSpan.FromDays(6));
        var unretained = await HandleAsync("archiver", Now - TimeSpan.FromDays(30));
        var scheduler = await _services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        var runs = new JobRuns(ProcessedEventRetentionJob.KeyFor("enricher"));
        scheduler.ListenerManager.AddJobListener(runs, [Matchers.Key(runs.Key)]);
        // The schedulers and Quartz, not the pipelines: those would need a broker.
        var hosted = _services.GetServices<IHostedService>().Where(s => s is not TransactionalPipelineHostedService<OrderPlaced>).ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(ct);
        }

        try
        {
            await runs.Next.WaitAsync(ct);
            await AssertRowsAsync([$"archiver:{unretained}", $"enricher:{kept}"], ct);
            Assert.False(await scheduler.Exists(ProcessedEventRetentionJob.KeyFor("archiver"), ct));

            var expired = await HandleAsync("enricher", Now - TimeSpan.FromDays(7.5));
            Assert.Contains($"enricher:{expired}", await RowsAsync(ct));
            await scheduler.TriggerJob(runs.Key, null!, ct);
            await runs.Next.WaitAsync(ct);
            await AssertRowsAsync([$"archiver:{unretained}", $"enricher:{kept}"], ct);
        }
        finally
        {
            foreach (var service in Enumerable.Reverse(hosted))
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
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

    private static void Configure(TransactionalPipelineOptions options)
    {
        options.Kafka.BootstrapServers = "localhost:9092";
        options.Topics.Add("orders");
    }

    private async Task AssertRowsAsync(IReadOnlyList<string> expected, CancellationToken ct)
    {
        var rows = await RowsAsync(ct);
        Assert.True(expected.SequenceEqual(rows), $"Expected rows {string.Join(", ", expected)}, found {string.Join(", ", rows)}; log:{Environment.NewLine}{_logs}");
    }

    private async Task<List<string>> RowsAsync(CancellationToken ct)
    {
        await using var db = _database.NewContext();
        var rows = await db.Database.SqlQuery<string>($"SELECT \"ConsumerGroup\" || ':' || \"EventId\" AS \"Value\" FROM \"InboxProcessedEvents\"").ToListAsync(ct);
        return [.. rows.Select(row => row.ToLowerInvariant()).Order(StringComparer.Ordinal)];
    }

    private async Task<Guid> HandleAsync(string group, DateTimeOffset at)
    {
        var options = new TransactionalPipelineOptions { GroupId = group };
        options.Topics.Add("orders");
        var attempt = new DatabaseHandlerAttempt<OrderPlaced>(
            PipelineSettings.From(group, options), new PipelineDatabase(typeof(EnrichmentDbContext)),
            _services.GetRequiredService<IServiceScopeFactory>(), new FixedTime(at), NullLogger.Instance);
        var envelope = EnvelopeRecords.Envelope(new OrderPlaced("key-1", 0), "key-1");
        var outputs = new OutputRecordFactory(new MessageTypeRegistry(), new JsonMessageSerializer(), "/enricher", TimeProvider.System);
        await attempt.RunAsync(new OrderPlaced("key-1", 0), new PipelineContext(envelope, new TopicPartitionOffset("orders", 0, 0), 1, outputs), TestContext.Current.CancellationToken);
        return envelope.Id;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Hands out, one by one, the completions of a job's firings, in order.</summary>
    private sealed class JobRuns(JobKey key) : IJobListener
    {
        private readonly System.Threading.Channels.Channel<JobExecutionException?> _completed = System.Threading.Channels.Channel.CreateUnbounded<JobExecutionException?>();

        public JobKey Key => key;

        public string Name => $"runs-of-{key}";

        public Task Next => NextAsync();

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
            _completed.Writer.WriteAsync(jobException, cancellationToken);

        public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        private async Task NextAsync()
        {
            var failure = await _completed.Reader.ReadAsync();
            Assert.Null(failure);
        }
    }
}
