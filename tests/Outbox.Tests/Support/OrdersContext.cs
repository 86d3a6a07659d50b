using Microsoft.EntityFrameworkCore;
using Outbox.Messaging;

namespace Outbox.Tests.Support;

public sealed class Order
{
    public required string Id { get; set; }

    public int Version { get; set; }
}

[MessageType("orders.order-placed")]
public sealed record OrderPlaced(string OrderId, int Sequence);

public sealed class OrdersContext(DbContextOptions<OrdersContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>().ToTable("orders");
        modelBuilder.AddOutbox();
    }
}
