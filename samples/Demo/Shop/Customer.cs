namespace Outbox.Samples.Demo.Shop;

public sealed class Customer
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Where orders ship to; fulfilment cannot ship without one.</summary>
    public string? ShippingAddress { get; set; }
}
