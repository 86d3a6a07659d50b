namespace Outbox.Samples.Demo.Shop;

public sealed class Order
{
    public required string Id { get; set; }

    public required string CustomerId { get; set; }

    public decimal Total { get; set; }

    public bool Cancelled { get; set; }
}
