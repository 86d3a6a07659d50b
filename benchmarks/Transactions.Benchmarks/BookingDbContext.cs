using Microsoft.EntityFrameworkCore;

namespace Outbox.Transactions.Benchmarks;

/// <summary>One row per booked payment.</summary>
public sealed class Booking
{
    public long Id { get; set; }

    public required string PaymentId { get; set; }
}

/// <summary>The database of the pipeline with database effects: bookings plus the inbox tables.</summary>
public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options)
{
    public DbSet<Booking> Bookings => Set<Booking>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddInboxTables();
}
