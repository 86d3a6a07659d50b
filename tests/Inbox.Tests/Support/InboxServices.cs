using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Outbox.Inbox.Tests.Support;

internal static class InboxServices
{
    /// <summary>The services of an application with an inbox on <paramref name="database"/>, handlers registered.</summary>
    public static ServiceProvider Build(TestDatabase database, HandlerProbe probe, Action<InboxOptions>? configure = null, string bootstrapServers = "127.0.0.1:9")
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(probe);
        services.AddDbContext<ShopDbContext>(database.Configure);
        services.AddInbox<ShopDbContext>(o =>
            {
                o.ConsumerGroup = "shipping";
                o.Kafka.BootstrapServers = bootstrapServers;
                o.Subscribe("orders");
                o.RetryBackoff = TimeSpan.FromMilliseconds(10);
                o.MaxRetryBackoff = TimeSpan.FromMilliseconds(50);
                o.MaxAttempts = 3;
                o.CommitInterval = TimeSpan.FromMilliseconds(100);
                configure?.Invoke(o);
            })
            .AddHandler<OrderEvent, ShipmentHandler>()
            .AddHandler<OrderPlaced, OrderPlacedHandler>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
