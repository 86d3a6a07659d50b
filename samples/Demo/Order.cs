namespace Outbox.Samples.Demo;

public sealed class Order
{
    public required string Id { get; set; }

    public required string Customer { get; set; }

    public decimal Total { get; set; }
}
