using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outbox.Inbox.Internal.Storage;
using Outbox.Transactions.Diagnostics;

namespace Outbox.Transactions.Internal.Database;

/// <summary>
/// Deletes the pipeline group's inbox rows older than the retention, every interval, while the pipeline runs. Every
/// instance does it; the deletes are idempotent. A failed delete is logged and tried again at the next interval.
/// </summary>
internal sealed class ProcessedEventRetention(
    string pipeline,
    string groupId,
    PipelineDatabase database,
    TimeSpan retention,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger logger)
{
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        // The first delete runs at once, but not on the thread starting the host.
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    await DeleteExpiredAsync(cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Whatever the database throws, the pipeline keeps running; the next interval tries again.
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    Log.RetentionFailed(logger, exception, pipeline);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - retention;
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var deleted = await ProcessedEventQueries.DeleteProcessedBeforeAsync(db, groupId, cutoff, cancellationToken).ConfigureAwait(false);
            Log.RetentionDeleted(logger, pipeline, deleted, cutoff);
            return deleted;
        }
    }
}
