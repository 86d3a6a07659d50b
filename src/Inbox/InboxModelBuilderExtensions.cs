using Outbox.Inbox.Internal.Storage;

// Declared in the namespace of the type it extends, as EF Core's own extensions are.
// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Adds the inbox tables to an application's EF Core model.</summary>
public static class InboxModelBuilderExtensions
{
    /// <summary>
    /// Maps the inbox tables: processed events (consumer group + event id, the primary key that makes
    /// handling exactly-once), blocked keys and parked events. Call from <c>OnModelCreating</c> and add a migration.
    /// </summary>
    /// <param name="modelBuilder">The model builder of the DbContext passed to <c>AddInbox</c>.</param>
    /// <param name="schema">The schema of the tables; null uses the default schema.</param>
    /// <returns>The model builder, for chaining.</returns>
    public static ModelBuilder AddInboxTables(this ModelBuilder modelBuilder, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ProcessedEvent>(e =>
        {
            e.ToTable("InboxProcessedEvents", schema);
            e.HasKey(p => new { p.ConsumerGroup, p.EventId });
            e.Property(p => p.ConsumerGroup).HasMaxLength(200);
            e.HasIndex(p => p.ProcessedAt);
        });
        modelBuilder.Entity<BlockedKey>(e =>
        {
            e.ToTable("InboxBlockedKeys", schema);
            e.HasKey(b => new { b.ConsumerGroup, b.Topic, b.Key });
            e.Property(b => b.ConsumerGroup).HasMaxLength(200);
            e.Property(b => b.Topic).HasMaxLength(249);
            e.Property(b => b.Key).HasMaxLength(400);
            e.HasIndex(b => new { b.ConsumerGroup, b.FailedEventId });
        });
        modelBuilder.Entity<ParkedEvent>(e =>
        {
            e.ToTable("InboxParkedEvents", schema);
            e.HasKey(p => new { p.ConsumerGroup, p.EventId });
            e.Property(p => p.ConsumerGroup).HasMaxLength(200);
            e.Property(p => p.Topic).HasMaxLength(249);
            e.Property(p => p.Key).HasMaxLength(400);
            e.HasIndex(p => new { p.ConsumerGroup, p.Topic, p.Key, p.Sequence });
        });
        return modelBuilder;
    }
}
