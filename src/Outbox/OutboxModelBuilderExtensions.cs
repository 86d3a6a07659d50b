using Outbox.Internal.Storage;

// Declared in EF Core's namespace so the call is found where OnModelCreating already looks.
#pragma warning disable IDE0130
namespace Microsoft.EntityFrameworkCore;
#pragma warning restore IDE0130

/// <summary>Adds the outbox tables to an application's EF Core model, so its migrations create them.</summary>
public static class OutboxModelBuilderExtensions
{
    /// <summary>
    /// Adds the outbox tables (<c>outbox_messages</c>, <c>outbox_leases</c>) to the model. Call it from
    /// <c>OnModelCreating</c>; the next migration then creates them beside the application's tables.
    /// </summary>
    /// <param name="modelBuilder">The application's model builder.</param>
    /// <param name="schema">The schema for the outbox tables; null for the model's default.</param>
    /// <returns>The model builder, for chaining.</returns>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<OutboxRecord>(message =>
        {
            message.ToTable(OutboxTables.MessagesTable, schema);
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
            message.Property(m => m.Lane).HasColumnName("lane");
            message.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(249);
            message.Property(m => m.MessageKey).HasColumnName("message_key").HasMaxLength(512);
            message.Property(m => m.EventId).HasColumnName("event_id");
            message.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(256);
            message.Property(m => m.Headers).HasColumnName("headers");
            message.Property(m => m.Payload).HasColumnName("payload");
            message.Property(m => m.CreatedAt).HasColumnName("created_at");
            message.Property(m => m.PublishedAt).HasColumnName("published_at");
            message.Property(m => m.FailedAt).HasColumnName("failed_at");
            message.Property(m => m.FailureReason).HasColumnName("failure_reason").HasMaxLength(2000);

            // The relay reads each lane's unpublished rows in id order; cleanup finds old published rows.
            message.HasIndex(m => new { m.Lane, m.Id }).HasDatabaseName("ix_outbox_messages_unpublished")
                .HasFilter("published_at IS NULL AND failed_at IS NULL");
            message.HasIndex(m => m.PublishedAt).HasDatabaseName("ix_outbox_messages_published_at");
        });

        modelBuilder.Entity<OutboxLeaseRecord>(lease =>
        {
            lease.ToTable(OutboxTables.LeasesTable, schema);
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasColumnName("name").HasMaxLength(200);
            lease.Property(l => l.Owner).HasColumnName("owner").HasMaxLength(200);
            lease.Property(l => l.ExpiresAt).HasColumnName("expires_at");
        });

        return modelBuilder;
    }
}
