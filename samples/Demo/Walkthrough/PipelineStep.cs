using Outbox.Messaging;
using Outbox.Samples.Demo.Kafka;
using Outbox.Samples.Demo.Messages;

namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>A consume-transform-produce pipeline: each payment's receipt and the payment's offset commit in one Kafka transaction.</summary>
public static class PipelineStep
{
    public static async Task RunAsync(DemoEnvironment demo, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("4. Transactional pipeline: payments in, receipts out; each receipt commits with its payment's offset");
        var payments = await TopicReader.ReadAsync(demo.BootstrapServers, Topics.Payments, 4, cancellationToken);
        var paymentOfEvent = payments.ToDictionary(p => p.Header(MessageHeaders.Id)!, p => p);
        foreach (var receipt in (await TopicReader.ReadAsync(demo.BootstrapServers, Topics.Receipts, payments.Count, cancellationToken)).OrderBy(r => r.Message.Key))
        {
            var payment = paymentOfEvent[receipt.Header(MessageHeaders.CausationId)!];
            Console.WriteLine($"   {payment.TopicPartitionOffset.Text()} -> {receipt.TopicPartitionOffset.Text()}  key={receipt.Message.Key}  {receipt.Header(MessageHeaders.Type)}, ce_causationid = the payment's ce_id");
        }

        Console.WriteLine($"   {payments.Count} payments, {payments.Count} receipts: one each, visible to read_committed readers only once committed");
    }
}
