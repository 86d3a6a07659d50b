// Usage: Outbox.Inbox.CrashHost <bootstrap-servers> <postgres|sqlite> <connection-string>
// Runs an inbox (group "shipping", topic "orders") whose handler takes a few milliseconds, prints READY once
// started and runs until killed. The crash tests kill it with SIGKILL while records are mid-handler.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.Inbox.Tests.Support;

if (args.Length != 3 || args[1] is not ("postgres" or "sqlite"))
{
    await Console.Error.WriteLineAsync("usage: Outbox.Inbox.CrashHost <bootstrap-servers> <postgres|sqlite> <connection-string>");
    return 2;
}

var (bootstrapServers, provider, connectionString) = (args[0], args[1], args[2]);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();
builder.Services.AddSingleton(new HandlerProbe { BeforeHandle = (_, _, token) => Task.Delay(5, token) });
builder.Services.AddDbContext<ShopDbContext>(o =>
{
    if (provider == "postgres")
    {
        o.UseNpgsql(connectionString);
    }
    else
    {
        o.UseSqlite(connectionString);
    }
});
builder.Services.AddInbox<ShopDbContext>(o =>
    {
        o.ConsumerGroup = "shipping";
        o.Kafka.BootstrapServers = bootstrapServers;
        o.Kafka.Properties["session.timeout.ms"] = "3000";
        o.Kafka.Properties["heartbeat.interval.ms"] = "300";
        o.Subscribe("orders");
        o.MaxDegreeOfParallelism = 8;
        o.CommitInterval = TimeSpan.FromMilliseconds(200);
    })
    .AddHandler<OrderEvent, ShipmentHandler>();
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("READY");
await host.WaitForShutdownAsync();
return 0;
