using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.Internal.Relay;
using Outbox.Internal.Storage;

namespace Outbox.Tests.Support;

/// <summary>One relay instance: a host with the outbox and its relay against a fixture's database and a broker.</summary>
public sealed class RelayHost : IAsyncDisposable
{
    private readonly IHost _host;

    private RelayHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    internal RelayHooks Hooks => _host.Services.GetRequiredService<RelayHooks>();

    public static async Task<RelayHost> StartAsync(
        OutboxDatabaseFixture database,
        string bootstrapServers,
        RelayScenario scenario,
        Action<OutboxOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<OrdersContext>(database.Configure);
        builder.Services.TryAddSingleton(new RelayHooks());
        services?.Invoke(builder.Services);
        builder.Services.AddOutbox<OrdersContext>(o =>
        {
            o.Kafka.BootstrapServers = bootstrapServers;
            o.Source = "/tests";
            o.LaneCount = scenario.LaneCount;
            o.BatchSize = 100;
            o.TransactionalIdPrefix = scenario.Name + "-relay-";
            o.CheckpointTopic = scenario.Name + "-checkpoints";
            o.LeaseDuration = TimeSpan.FromSeconds(3);
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.MaxRetryDelay = TimeSpan.FromSeconds(1);
            o.KafkaTimeout = TimeSpan.FromSeconds(10);
            o.MapTopic<OrderPlaced>(scenario.Topic);
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new RelayHost(host);
    }

    /// <summary>Adds messages through the outbox in one SaveChanges, as the application would.</summary>
    public async Task AddAsync(IEnumerable<OrderPlaced> messages)
    {
        await using var scope = Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<OrdersContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
        foreach (var message in messages)
        {
            outbox.Add(message, message.OrderId);
        }

        await context.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    internal Task<T> RunAsync<T>(Func<System.Data.Common.DbConnection, OutboxStore, Task<T>> work) =>
        Services.GetRequiredService<IOutboxDatabase>().RunAsync(work, TestContext.Current.CancellationToken);

    public Task StopAsync() => _host.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}

/// <summary>Names that keep one test's topics and transactional ids apart from every other test's.</summary>
public sealed record RelayScenario(string Name, int LaneCount)
{
    public static RelayScenario New(int laneCount = 4) => new("t" + Guid.NewGuid().ToString("N")[..10], laneCount);

    public string Topic => Name + ".orders";
}
