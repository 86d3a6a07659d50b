namespace Outbox.Samples.Demo.Shop;

/// <summary>An invoice fulfilment filed with the parcel; written by an inbox handler.</summary>
public sealed class ArchivedInvoice
{
    public required string OrderId { get; set; }

    public int PdfBytes { get; set; }
}
