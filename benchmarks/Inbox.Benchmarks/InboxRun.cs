using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.Messaging;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// One inbox host reading a topic from the beginning with a fresh consumer group until every record was handled
/// (with dedupe: each record's inbox row is inserted in its own PostgreSQL transaction), then stopped. The DbContext
/// is registered with AddDbContextPool, as the inbox README recommends, unless <c>pooledDbContext</c> is false.
/// Start-up, group join and the final commit are inside the measurement, as for the raw consumer loop.
/// </summary>
internal static class InboxRun
{
    public static async Task<InboxRunPhases> RunAsync(string bootstrapServers, string connectionString, string topic, int records, int maxDegreeOfParallelism, TimeSpan handlerDelay, TimeSpan commitInterval, bool pooledDbContext = true)
    {
        var handled = new HandledRecords(records, handlerDelay);
        var started = Stopwatch.GetTimestamp();
        using var host = Build(bootstrapServers, connectionString, topic, handled, maxDegreeOfParallelism, commitInterval, pooledDbContext);
        await host.StartAsync().ConfigureAwait(false);
        await handled.First.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var first = Stopwatch.GetElapsedTime(started);
        await handled.All.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var all = Stopwatch.GetElapsedTime(started);
        await host.StopAsync().ConfigureAwait(false);
        return new InboxRunPhases(first, all - first, Stopwatch.GetElapsedTime(started) - all);
    }

    /// <summary>
    /// The inbox host of a run, not yet started: a fresh consumer group on <paramref name="topic"/>, the
    /// <see cref="CountingHandler"/> reporting to <paramref name="handled"/>, dedupe on PostgreSQL; the inbox's default
    /// MaxBufferedRecordsPerPartition unless <paramref name="maxBufferedRecordsPerPartition"/> is given.
    /// </summary>
    public static IHost Build(string bootstrapServers, string connectionString, string topic, HandledRecords handled, int maxDegreeOfParallelism, TimeSpan commitInterval, bool pooledDbContext = true, int? maxBufferedRecordsPerPartition = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();
        builder.Services.AddSingleton(handled);
        builder.Services.AddSingleton(new MessageTypeRegistry().Register<BenchmarkEvent>("bench.event"));
        if (pooledDbContext)
        {
            builder.Services.AddDbContextPool<BenchmarkDbContext>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            builder.Services.AddDbContext<BenchmarkDbContext>(o => o.UseNpgsql(connectionString));
        }

        builder.Services.AddInbox<BenchmarkDbContext>(o =>
            {
                o.ConsumerGroup = "bench-" + Guid.NewGuid().ToString("N");
                o.Kafka.BootstrapServers = bootstrapServers;
                o.Subscribe(topic);
                o.MaxDegreeOfParallelism = maxDegreeOfParallelism;
                o.CommitInterval = commitInterval;
                o.ProcessedEventRetention = null;
                if (maxBufferedRecordsPerPartition is { } max)
                {
                    o.MaxBufferedRecordsPerPartition = max;
                }
            })
            .AddHandler<BenchmarkEvent, CountingHandler>();
        return builder.Build();
    }
}

/// <summary>Where one inbox run's time went: until the first record was handled, handling the rest, stopping the host.</summary>
internal readonly record struct InboxRunPhases(TimeSpan UntilFirstRecord, TimeSpan Handling, TimeSpan Stopping);
