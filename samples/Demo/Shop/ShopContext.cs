using Microsoft.EntityFrameworkCore;

namespace Outbox.Samples.Demo.Shop;

/// <summary>
/// The shop's data and fulfilment's, in one database to keep the demo small (in production each service has its
/// own). <c>AddOutbox()</c> and <c>AddInboxTables()</c> put the outbox and inbox tables beside them, so the
/// migrations create those too.
/// </summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Shipment> Shipments => Set<Shipment>();

    public DbSet<ArchivedInvoice> ArchivedInvoices => Set<ArchivedInvoice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>().ToTable("customers");
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Total).HasConversion<double>();
        });
        modelBuilder.Entity<Shipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.HasKey(s => s.OrderId);
        });
        modelBuilder.Entity<ArchivedInvoice>(invoice =>
        {
            invoice.ToTable("archived_invoices");
            invoice.HasKey(i => i.OrderId);
        });
        modelBuilder.AddOutbox();
        modelBuilder.AddInboxTables();
    }
}
