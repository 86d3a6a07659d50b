using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Inbox.Internal.Storage;

namespace Outbox.Transactions.Internal.Database;

/// <summary>Rejects, at start-up, a DbContext the pipeline cannot keep its database effects in, naming what to change.</summary>
internal static class PipelineDatabaseCheck
{
    public static void Verify(string pipeline, PipelineDatabase database, IServiceProvider services)
    {
        using var scope = services.CreateScope();
        if (scope.ServiceProvider.GetService(database.ContextType) is not DbContext db)
        {
            throw new InvalidOperationException(
                $"Pipeline '{pipeline}' keeps its database effects in {database.ContextType.FullName}, which is not registered: call AddDbContext<{database.ContextType.Name}>(…).");
        }

        if (db.Model.FindEntityType(typeof(ProcessedEvent)) is null)
        {
            throw new InvalidOperationException(
                $"Pipeline '{pipeline}': the model of {database.ContextType.FullName} lacks the inbox tables; call modelBuilder.AddInboxTables() in its OnModelCreating and add a migration.");
        }

        if (db.Database.CreateExecutionStrategy().RetriesOnFailure)
        {
            throw new InvalidOperationException(
                $"Pipeline '{pipeline}': {database.ContextType.FullName} is configured with a retrying execution strategy (EnableRetryOnFailure), which refuses the transaction the pipeline opens around each input; the pipeline retries failed attempts itself (MaxAttempts). Register the context without it.");
        }
    }
}
