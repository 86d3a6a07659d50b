using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Outbox.Internal.Storage;

/// <summary>The outbox's table names as the application's model maps them (the schema is the model's choice).</summary>
internal sealed record OutboxTables(string? Schema, string Messages, string Leases)
{
    public const string MessagesTable = "outbox_messages";
    public const string LeasesTable = "outbox_leases";

    public static OutboxTables From(IModel model)
    {
        var messages = model.FindEntityType(typeof(OutboxRecord))
            ?? throw new InvalidOperationException(
                "The DbContext has no outbox tables: call modelBuilder.AddOutbox() in OnModelCreating.");
        var leases = model.FindEntityType(typeof(OutboxLeaseRecord))
            ?? throw new InvalidOperationException(
                "The DbContext has no outbox lease table: call modelBuilder.AddOutbox() in OnModelCreating.");
        return new OutboxTables(
            messages.GetSchema(),
            messages.GetTableName() ?? MessagesTable,
            leases.GetTableName() ?? LeasesTable);
    }
}
