using Microsoft.EntityFrameworkCore;

namespace Outbox.Samples.Demo;

/// <summary>The shop's own data; <c>AddOutbox()</c> puts the outbox tables beside it, so its migrations create them.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Total).HasConversion<double>();
        });
        modelBuilder.AddOutbox();
    }
}
