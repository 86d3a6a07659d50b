namespace Outbox.Samples.Demo.Shop;

/// <summary>Fulfilment's record of an order it ships; written by an inbox handler.</summary>
public sealed class Shipment
{
    public required string OrderId { get; set; }

    public required string ShipTo { get; set; }

    public bool Stopped { get; set; }
}
