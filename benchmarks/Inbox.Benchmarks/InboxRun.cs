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
    public static async Task RunAsync(string bootstrapServers, string connectionString, string topic, int records, int maxDegreeOfParallelism, TimeSpan handlerDelay, TimeSpan commitInterval, bool pooledDbContext = true)
    {
        var handled = new HandledRecords(records, handlerDelay);
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
            })
            .AddHandler<BenchmarkEvent, CountingHandler>();
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        await handled.All.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
    }
}
