using Outbox.Inbox;
using Outbox.Samples.Demo.Messages;
using Outbox.Samples.Demo.Shop;

namespace Outbox.Samples.Demo.Fulfilment;

/// <summary>
/// Files an order's invoice. The message arrives whole: the inbox fetched the claim-checked payload from the
/// store and checked its size and SHA-256 before deserializing it.
/// </summary>
public sealed class ArchiveInvoice(ShopContext shop) : IMessageHandler<InvoiceIssued>
{
    public Task HandleAsync(InvoiceIssued message, MessageContext context, CancellationToken cancellationToken)
    {
        shop.ArchivedInvoices.Add(new ArchivedInvoice { OrderId = message.OrderId, PdfBytes = message.Pdf.Length });
        return Task.CompletedTask;
    }
}
