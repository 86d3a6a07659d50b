using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck;
using Outbox.Samples.Demo.Kafka;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Walkthrough;

/// <summary>A payload over the threshold goes to the claim-check store; the topic carries a small, hash-checked reference.</summary>
public static class ClaimCheckStep
{
    public static async Task RunAsync(DemoEnvironment demo, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        var threshold = demo.Services.GetRequiredService<IOptions<ClaimCheckOptions>>().Value.ThresholdBytes;
        Console.WriteLine($"5. Claim check: a payload over {threshold / 1024} KiB goes to the store; only a reference travels on the topic");
        var invoice = new InvoiceIssued("order-1001", RandomNumberGenerator.GetBytes(1024 * 1024));
        var payloadBytes = demo.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.Serializer.Serialize(invoice, typeof(InvoiceIssued)).Length;
        await Checkout.IssueInvoiceAsync(demo.Services, invoice, cancellationToken);
        Console.WriteLine($"   shop: issued the invoice of order-1001, a {invoice.Pdf.Length:N0}-byte PDF ({payloadBytes:N0}-byte JSON payload)");

        var record = (await TopicReader.ReadAsync(demo.BootstrapServers, Topics.Invoices, 1, cancellationToken)).Single();
        Console.WriteLine($"   {record.TopicPartitionOffset.Text()}  key={record.Message.Key}  {record.Message.Value.Length:N0}-byte record value, the reference:");
        Console.WriteLine($"     {ClaimCheckHeaders.Reference}: {record.Header(ClaimCheckHeaders.Reference)}");
        Console.WriteLine($"   store: {Directory.EnumerateFiles(demo.ClaimCheckDirectory, "*", SearchOption.AllDirectories).Count()} blob under {demo.ClaimCheckDirectory}");

        var archived = await Eventually.UntilAsync(() => ArchivedInvoiceOfAsync(demo.Services, invoice.OrderId, cancellationToken), a => a is not null, cancellationToken);
        Console.WriteLine($"   fulfilment: filed the invoice of order-1001, a {archived!.PdfBytes:N0}-byte PDF (size and SHA-256 checked against the reference)");
    }

    private static async Task<ArchivedInvoice?> ArchivedInvoiceOfAsync(IServiceProvider services, string orderId, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ShopContext>().ArchivedInvoices.AsNoTracking().SingleOrDefaultAsync(i => i.OrderId == orderId, cancellationToken);
    }
}
