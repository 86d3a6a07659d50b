using Microsoft.EntityFrameworkCore;

namespace Outbox.Inbox.Tests.Support;

/// <summary>An application's DbContext: its own table plus the inbox tables.</summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Shipment> Shipments => Set<Shipment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Shipment>().HasKey(s => s.Id);
        modelBuilder.AddInboxTables();
    }
}

/// <summary>The handler's effect: one row per handled message.</summary>
public sealed class Shipment
{
    public Guid Id { get; set; }

    public required string OrderId { get; set; }

    public required string Kind { get; set; }

    public required Guid EventId { get; set; }

    public long Sequence { get; set; }
}
