using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Messaging;
using Outbox.Samples.Demo.Kafka;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>The inbox hands each event to its typed handler once; a redelivered duplicate is skipped.</summary>
public static class InboxStep
{
    public static async Task RunAsync(DemoEnvironment demo, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("2. Inbox: typed handlers; each handler's changes commit with the inbox row of its event");
        foreach (var shipment in await Eventually.UntilAsync(() => ShipmentsAsync(demo.Services, cancellationToken), s => s.Count == 3, cancellationToken))
        {
            Console.WriteLine($"   fulfilment: {shipment.OrderId} ships to {shipment.ShipTo}");
        }

        // What an at-least-once producer retrying, or a replay of the topic, would do: the same record (same ce_id) again.
        var original = (await TopicReader.ReadAsync(demo.BootstrapServers, Topics.Orders, 3, cancellationToken)).First(r => r.Message.Key == "order-1001");
        using var producer = new ProducerBuilder<string?, byte[]>(new KafkaClientOptions { BootstrapServers = demo.BootstrapServers }.CreateProducerConfig()).Build();
        var redelivered = await producer.ProduceAsync(Topics.Orders, original.Message, cancellationToken);
        Console.WriteLine($"   redelivered order-1001's OrderPlaced (ce_id {original.Header(MessageHeaders.Id)}) as {redelivered.TopicPartitionOffset.Text()}");

        await ConsumerGroupProgress.WaitUntilPastAsync(demo.BootstrapServers, "fulfilment", redelivered.TopicPartitionOffset, cancellationToken);
        var shipments = await ShipmentsAsync(demo.Services, cancellationToken);
        Console.WriteLine($"   fulfilment consumed it and skipped it as a duplicate: still {shipments.Count} shipments, order-1001 ships once");
    }

    private static async Task<List<Shipment>> ShipmentsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ShopContext>().Shipments.AsNoTracking().OrderBy(s => s.OrderId).ToListAsync(cancellationToken);
    }
}
