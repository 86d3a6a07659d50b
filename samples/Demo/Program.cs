// The outbox end to end on embedded defaults: an in-process Kafka broker and a SQLite file.
// Places a few orders; each order and its OrderPlaced event are saved in one transaction, the relay
// publishes the events exactly once, and a consumer prints what arrives, headers included.
using System.Text;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;
using Outbox.Samples.Demo;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
var ct = timeout.Token;

await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
var databasePath = Path.Combine(Path.GetTempPath(), $"outbox-demo-{Environment.ProcessId}.db");
Console.WriteLine($"Kafka (embedded): {broker.BootstrapServers}");
Console.WriteLine($"Database (SQLite): {databasePath}");

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddDbContext<ShopContext>(o => o.UseSqlite($"Data Source={databasePath};Pooling=False"));
builder.Services.AddOutbox<ShopContext>(o =>
{
    o.Kafka.BootstrapServers = broker.BootstrapServers;
    o.Source = "/demo-shop";
    o.LaneCount = 2;
    o.PollInterval = TimeSpan.FromMilliseconds(500);
});

// Create the topic up front so the consumer can subscribe before the first event is published.
using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
{
    await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "orders.order-placed", NumPartitions = 3, ReplicationFactor = 1 }]);
}

using var host = builder.Build();
await using (var scope = host.Services.CreateAsyncScope())
{
    var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
    await context.Database.MigrateAsync(ct);
    await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
}

await host.StartAsync(ct);

var orders = new[]
{
    new Order { Id = "order-1001", Customer = "ada", Total = 42.50m },
    new Order { Id = "order-1002", Customer = "grace", Total = 17.00m },
    new Order { Id = "order-1003", Customer = "ada", Total = 99.90m },
};
foreach (var order in orders)
{
    // The ambient trace of the checkout travels with the event as its traceparent header.
    using var checkout = new System.Diagnostics.Activity("checkout").Start();
    await using var scope = host.Services.CreateAsyncScope();
    var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
    var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
    context.Orders.Add(order);
    outbox.Add(new OrderPlaced(order.Id, order.Customer, order.Total), key: order.Id, new OutboxMessageOptions { CorrelationId = "demo-checkout" });
    await context.SaveChangesAsync(ct);
    Console.WriteLine($"Placed {order.Id} for {order.Customer} ({order.Total})");
}

var received = await Task.Run(() => Consume(broker.BootstrapServers, "orders.order-placed", orders.Length, ct), ct);
await host.StopAsync(CancellationToken.None);
File.Delete(databasePath);
Console.WriteLine(received == orders.Length ? "Done: every order's event arrived exactly once." : "Not every event arrived in time.");
return received == orders.Length ? 0 : 1;

static int Consume(string bootstrapServers, string topic, int expected, CancellationToken ct)
{
    var kafka = new KafkaClientOptions { BootstrapServers = bootstrapServers };
    using var consumer = new ConsumerBuilder<string?, byte[]>(kafka.CreateConsumerConfig("demo-printer")).Build();
    consumer.Subscribe(topic);
    var received = 0;
    try
    {
        while (received < expected)
        {
            ConsumeResult<string?, byte[]> result;
            try
            {
                result = consumer.Consume(ct);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                continue;
            }

            received++;
            Console.WriteLine();
            Console.WriteLine($"Received key={result.Message.Key} partition={result.Partition.Value} offset={result.Offset.Value}");
            Console.WriteLine($"  value: {Encoding.UTF8.GetString(result.Message.Value)}");
            foreach (var header in result.Message.Headers)
            {
                Console.WriteLine($"  {header.Key}: {Encoding.UTF8.GetString(header.GetValueBytes())}");
            }
        }
    }
    catch (OperationCanceledException)
    {
    }

    consumer.Close();
    return received;
}
