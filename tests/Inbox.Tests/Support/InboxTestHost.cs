using Xunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Outbox.Inbox.Tests.Support;

/// <summary>An application host running the inbox against a broker and a test database.</summary>
internal sealed class InboxTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private InboxTestHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public InboxOperations Operations => _host.Services.GetRequiredService<InboxOperations>();

    public static async Task<InboxTestHost> StartAsync(string bootstrapServers, TestDatabase database, HandlerProbe probe, Action<InboxOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("INBOX_TEST_LOGS") is { Length: > 0 })
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information).AddSimpleConsole();
        }
        builder.Services.AddSingleton(probe);
        builder.Services.AddDbContext<ShopDbContext>(database.Configure);
        builder.Services.AddInbox<ShopDbContext>(o =>
            {
                o.ConsumerGroup = "shipping";
                o.Kafka.BootstrapServers = bootstrapServers;
                o.Subscribe("orders");
                o.MaxAttempts = 3;
                o.RetryBackoff = TimeSpan.FromMilliseconds(10);
                o.MaxRetryBackoff = TimeSpan.FromMilliseconds(50);
                o.CommitInterval = TimeSpan.FromMilliseconds(100);
                o.ShutdownTimeout = TimeSpan.FromSeconds(10);
                configure?.Invoke(o);
            })
            .AddHandler<OrderEvent, ShipmentHandler>()
            .AddHandler<OrderPlaced, OrderPlacedHandler>();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new InboxTestHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
