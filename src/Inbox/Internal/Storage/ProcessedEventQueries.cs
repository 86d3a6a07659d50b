using Microsoft.EntityFrameworkCore;

namespace Outbox.Inbox.Internal.Storage;

/// <summary>The reads and deletes of the processed-events table that the inbox and transactional pipelines share.</summary>
internal static class ProcessedEventQueries
{
    /// <summary>Whether <paramref name="consumerGroup"/> has a row for the event: it was handled (or abandoned).</summary>
    public static Task<bool> IsProcessedAsync(DbContext context, string consumerGroup, Guid eventId, CancellationToken cancellationToken) =>
        context.Set<ProcessedEvent>().AnyAsync(p => p.ConsumerGroup == consumerGroup && p.EventId == eventId, cancellationToken);

    /// <summary>Deletes the group's rows processed before <paramref name="cutoff"/>; returns how many.</summary>
    public static Task<int> DeleteProcessedBeforeAsync(DbContext context, string consumerGroup, DateTime cutoff, CancellationToken cancellationToken) =>
        context.Set<ProcessedEvent>().Where(p => p.ConsumerGroup == consumerGroup && p.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
}
