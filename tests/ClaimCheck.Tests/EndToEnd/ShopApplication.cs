using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.Testing.Databases;
using Xunit;

namespace Outbox.ClaimCheck.Tests.EndToEnd;

/// <summary>Which parts of the application a host runs; all share one database and one blob directory.</summary>
[Flags]
public enum ShopParts
{
    Relay = 1,
    Inbox = 2,
    Pipeline = 4,
}

/// <summary>
/// An application with the file-system claim check, against an embedded broker and a SQLite file or a PostgreSQL
/// database: the outbox and its relay publish <see cref="DocumentAttached"/> to <see cref="Topic"/>, an inbox handles it (or, with the
/// pipeline, the archived copy), and a transactional pipeline turns documents into archived documents.
/// </summary>
public sealed class ShopApplication : IAsyncDisposable
{
    public const string Topic = "documents";
    public const string PipelineDeadLetterTopic = "documents.archiver.dlt";

    private readonly string _bootstrapServers;
    private readonly Action<DbContextOptionsBuilder> _useDatabase;
    private readonly string? _sqliteFile;

    private ShopApplication(string bootstrapServers, string blobRoot, Action<DbContextOptionsBuilder> useDatabase, string? sqliteFile)
    {
        _bootstrapServers = bootstrapServers;
        BlobRoot = blobRoot;
        _useDatabase = useDatabase;
        _sqliteFile = sqliteFile;
    }

    public string BlobRoot { get; }

    public ReceivedDocuments Received { get; } = new();

    /// <summary>
    /// Creates the application's schema on <paramref name="database"/> (<c>sqlite</c> or <c>postgres</c>) and its topics.
    /// Without PostgreSQL the test is skipped, or fails when <c>OUTBOX_REQUIRE</c> names postgres.
    /// </summary>
    public static async Task<ShopApplication> CreateAsync(string bootstrapServers, string database)
    {
        Action<DbContextOptionsBuilder> useDatabase;
        string? sqliteFile = null;
        if (database == "postgres")
        {
            var connectionString = await CreatePostgreSqlDatabaseAsync();
            useDatabase = o => o.UseNpgsql(connectionString);
        }
        else
        {
            var connectionString = SqliteDatabase.Create("claim-check");
            sqliteFile = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            useDatabase = o => o.UseSqlite(connectionString);
        }

        var application = new ShopApplication(bootstrapServers, Directory.CreateTempSubdirectory("outbox-claim-check-").FullName, useDatabase, sqliteFile);
        await using (var context = application.CreateContext())
        {
            await context.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
            if (application._sqliteFile is not null)
            {
                // Readers (the relay, the inbox) and writers then do not block each other.
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", TestContext.Current.CancellationToken);
            }
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        await admin.CreateTopicsAsync(
            new[] { Topic, Topic + ".dlt", ArchivingHandler.OutputTopic, ArchivingHandler.OutputTopic + ".dlt", PipelineDeadLetterTopic }
                .Select(name => new TopicSpecification { Name = name, NumPartitions = 3, ReplicationFactor = 1 }));
        return application;
    }

    /// <summary>Starts a host running <paramref name="parts"/>, claim-checking payloads over <paramref name="thresholdBytes"/>.</summary>
    public async Task<IHost> StartAsync(ShopParts parts, int thresholdBytes)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(Received);
        builder.Services.AddDbContext<ShopContext>(_useDatabase);
        builder.Services.AddFileSystemClaimCheck(BlobRoot, o => o.ThresholdBytes = thresholdBytes);
        builder.Services.AddOutbox<ShopContext>(o =>
        {
            o.EnableRelay = parts.HasFlag(ShopParts.Relay);
            o.Kafka.BootstrapServers = _bootstrapServers;
            o.Source = "/tests/claim-check";
            o.LaneCount = 2;
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.MaxRetryDelay = TimeSpan.FromSeconds(1);
            o.KafkaTimeout = TimeSpan.FromSeconds(10);
            o.MapTopic<DocumentAttached>(Topic);
        });
        if (parts.HasFlag(ShopParts.Inbox))
        {
            builder.Services.AddInbox<ShopContext>(o =>
                {
                    o.ConsumerGroup = "readers";
                    o.Kafka.BootstrapServers = _bootstrapServers;
                    o.Subscribe(parts.HasFlag(ShopParts.Pipeline) ? ArchivingHandler.OutputTopic : Topic);
                    o.MaxAttempts = 3;
                    o.RetryBackoff = TimeSpan.FromMilliseconds(10);
                    o.MaxRetryBackoff = TimeSpan.FromMilliseconds(50);
                    o.CommitInterval = TimeSpan.FromMilliseconds(100);
                    o.ShutdownTimeout = TimeSpan.FromSeconds(10);
                })
                .AddHandler<DocumentAttached, DocumentAttachedHandler>()
                .AddHandler<DocumentArchived, DocumentArchivedHandler>();
        }

        if (parts.HasFlag(ShopParts.Pipeline))
        {
            builder.Services.AddTransactionalPipeline<DocumentAttached, ArchivingHandler>("archiver", o =>
            {
                o.Kafka.BootstrapServers = _bootstrapServers;
                o.Topics.Add(Topic);
                o.GroupId = "archiver";
                o.DeadLetterTopic = PipelineDeadLetterTopic;
                o.MaxAttempts = 2;
                o.RetryBackoff = TimeSpan.FromMilliseconds(10);
            });
        }

        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    /// <summary>Adds documents through the outbox in one SaveChanges, as the application would.</summary>
    public static async Task AddAsync(IHost host, params DocumentAttached[] documents)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
        foreach (var document in documents)
        {
            outbox.Add(document, document.Id);
        }

        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until the inbox handlers received <paramref name="ids"/>.</summary>
    public async Task WaitForAsync(params string[] ids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!ids.All(Received.Contents.ContainsKey))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Handled {Received.Contents.Count} of {ids.Length} documents.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The blob file of an event, as the file-system store keeps it.</summary>
    public string BlobOf(Guid eventId) => Directory.EnumerateFiles(BlobRoot, eventId.ToString("N"), SearchOption.AllDirectories).Single();

    public ValueTask DisposeAsync()
    {
        Directory.Delete(BlobRoot, recursive: true);
        if (_sqliteFile is { } path)
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<string> CreatePostgreSqlDatabaseAsync()
    {
        try
        {
            return await PostgreSqlServer.CreateDatabaseAsync("claim_check_" + Guid.NewGuid().ToString("N"), TestContext.Current.CancellationToken);
        }
        catch (DatabaseUnavailableException e)
        {
            if (e.Required)
            {
                Assert.Fail(e.Message);
            }

            Assert.Skip(e.Message);
            throw;
        }
    }

    private ShopContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<ShopContext>();
        _useDatabase(builder);
        return new ShopContext(builder.Options);
    }
}
