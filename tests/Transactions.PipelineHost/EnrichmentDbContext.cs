using Microsoft.EntityFrameworkCore;

namespace Outbox.Transactions.PipelineHost;

/// <summary>The application database of the database pipeline: its own tables plus the inbox tables.</summary>
public sealed class EnrichmentDbContext(DbContextOptions<EnrichmentDbContext> options) : DbContext(options)
{
    public DbSet<EnrichedOrder> EnrichedOrders => Set<EnrichedOrder>();

    public DbSet<KeyTotal> KeyTotals => Set<KeyTotal>();

    /// <summary>Points <paramref name="options"/> at a database: <paramref name="provider"/> is <c>sqlite</c> or <c>postgres</c>.</summary>
    public static void Use(DbContextOptionsBuilder options, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = provider switch
        {
            "sqlite" => options.UseSqlite(connectionString),
            "postgres" => options.UseNpgsql(connectionString),
            _ => throw new ArgumentException($"Unknown database provider '{provider}'; expected sqlite or postgres.", nameof(provider)),
        };
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EnrichedOrder>(e =>
        {
            e.HasKey(o => o.Id);
            e.HasIndex(o => o.EventId);
        });
        modelBuilder.Entity<KeyTotal>().HasKey(t => t.Key);
        modelBuilder.AddInboxTables();
    }
}
