// Every capability on embedded defaults: an in-process Kafka broker, a SQLite file and a claim-check directory,
// nothing to install or start. A shop saves orders with their events (outbox); fulfilment consumes them (inbox,
// dead letters); billing turns payments into receipts (transactional pipeline); invoices too big for a Kafka
// record travel by claim check. Each step of the walkthrough prints what it shows.
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka;
using Outbox.Samples.Demo.Billing;
using Outbox.Samples.Demo.Fulfilment;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;
using Outbox.Samples.Demo.Walkthrough;

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var ct = timeout.Token;

await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
var workDirectory = Directory.CreateTempSubdirectory("outbox-demo-").FullName;
var databasePath = Path.Combine(workDirectory, "shop.db");
var claimCheckDirectory = Path.Combine(workDirectory, "claim-checks");
Console.WriteLine($"Kafka (embedded): {broker.BootstrapServers}");
Console.WriteLine($"Database (SQLite): {databasePath}");
Console.WriteLine($"Claim-check store (file system): {claimCheckDirectory}");

var builder = Host.CreateApplicationBuilder(args);

// The walkthrough prints what happens itself; the inbox would report step 3's poison message again, as an error.
builder.Logging.SetMinimumLevel(LogLevel.Error).AddFilter("Outbox.Inbox", LogLevel.Critical);
builder.Services.AddDbContext<ShopContext>(o => o.UseSqlite($"Data Source={databasePath};Pooling=False"));
builder.Services.AddFileSystemClaimCheck(claimCheckDirectory);
builder.Services.AddOutbox<ShopContext>(o =>
{
    o.Kafka.BootstrapServers = broker.BootstrapServers;
    o.Source = "/demo-shop";
    o.LaneCount = 2;
    o.PollInterval = TimeSpan.FromMilliseconds(500);
    o.MapTopic<OrderPlaced>(Topics.Orders)
        .MapTopic<OrderCancelled>(Topics.Orders)
        .MapTopic<PaymentCaptured>(Topics.Payments)
        .MapTopic<InvoiceIssued>(Topics.Invoices);
});
builder.Services.AddInbox<ShopContext>(o =>
    {
        o.ConsumerGroup = "fulfilment";
        o.Kafka.BootstrapServers = broker.BootstrapServers;
        o.Subscribe(Topics.Orders).Subscribe(Topics.Invoices);
        o.MaxAttempts = 3;
        o.RetryBackoff = TimeSpan.FromMilliseconds(100);
        o.CommitInterval = TimeSpan.FromMilliseconds(100);
    })
    .AddHandler<OrderPlaced, ShipOrder>()
    .AddHandler<OrderCancelled, StopShipment>()
    .AddHandler<InvoiceIssued, ArchiveInvoice>();
builder.Services.AddTransactionalPipeline<PaymentCaptured, IssueReceipt>("billing", o =>
{
    o.Kafka.BootstrapServers = broker.BootstrapServers;
    o.Topics.Add(Topics.Payments);
    o.InstanceId = "demo";
});

// Create the topics up front so the consumers can subscribe before the first event is published.
using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
{
    await admin.CreateTopicsAsync(Topics.All.Select(name => new TopicSpecification { Name = name, NumPartitions = 3, ReplicationFactor = 1 }));
}

using var host = builder.Build();
await using (var scope = host.Services.CreateAsyncScope())
{
    var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
    await shop.Database.MigrateAsync(ct);
    await shop.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    shop.Customers.AddRange(
        new Customer { Id = "ada", Name = "Ada Lovelace", ShippingAddress = "12 St James's Square, London" },
        new Customer { Id = "grace", Name = "Grace Hopper", ShippingAddress = "1 Navy Yard, Arlington" },
        new Customer { Id = "linus", Name = "Linus Torvalds" });
    await shop.SaveChangesAsync(ct);
}

await host.StartAsync(ct);
var demo = new DemoEnvironment(host.Services, broker.BootstrapServers, claimCheckDirectory);
try
{
    await OutboxStep.RunAsync(demo, ct);
    await InboxStep.RunAsync(demo, ct);
    await DeadLetterStep.RunAsync(demo, ct);
    await PipelineStep.RunAsync(demo, ct);
    await ClaimCheckStep.RunAsync(demo, ct);
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    Console.WriteLine("The demo did not finish within its time limit.");
    return 1;
}
finally
{
    await host.StopAsync(CancellationToken.None);
    Directory.Delete(workDirectory, recursive: true);
}

Console.WriteLine();
Console.WriteLine("Done: outbox, inbox, dead letters, transactional pipeline and claim check all shown.");
return 0;
