using Outbox.Messaging;
using Outbox.Samples.Demo.Kafka;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>Orders saved with their events in one transaction; the relay publishes the events exactly once, in order per order.</summary>
public static class OutboxStep
{
    public static async Task RunAsync(DemoEnvironment demo, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("1. Outbox: each order is saved with its events in one transaction; the relay publishes them exactly once");
        Order[] orders =
        [
            new() { Id = "order-1001", CustomerId = "ada", Total = 42.50m },
            new() { Id = "order-1002", CustomerId = "grace", Total = 17.00m },
            new() { Id = "order-1003", CustomerId = "ada", Total = 99.90m },
        ];
        foreach (var order in orders)
        {
            await Checkout.PlaceOrderAsync(demo.Services, order, cancellationToken);
            Console.WriteLine($"   shop: placed {order.Id} for {order.CustomerId} ({order.Total}), payment captured");
        }

        var records = await TopicReader.ReadAsync(demo.BootstrapServers, Topics.Orders, orders.Length, cancellationToken);
        foreach (var record in records)
        {
            Console.WriteLine($"   {record.TopicPartitionOffset.Text()}  key={record.Message.Key}  {record.Header(MessageHeaders.Type)}");
        }

        Console.WriteLine($"   headers of {records[0].Message.Key}'s record (CloudEvents, W3C trace context):");
        foreach (var header in records[0].Message.Headers)
        {
            Console.WriteLine($"     {header.Key}: {System.Text.Encoding.UTF8.GetString(header.GetValueBytes())}");
        }
    }
}
