using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.Diagnostics;
using Outbox.Internal.Storage;
using Quartz;

namespace Outbox.Internal;

/// <summary>Deletes published rows older than the retention period, in bounded chunks so no delete holds locks for long.</summary>
[DisallowConcurrentExecution]
internal sealed class OutboxCleanupJob(IOutboxDatabase database, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxCleanupJob> logger) : IJob
{
    public const int ChunkSize = 1000;

    public static readonly JobKey Key = new("outbox-cleanup", "outbox");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CleanupFailed(logger, e);
        }
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - options.Value.Retention).UtcDateTime;
        var total = 0;
        int deleted;
        do
        {
            deleted = await database.RunAsync((connection, store) => store.DeletePublishedAsync(connection, cutoff, ChunkSize, cancellationToken), cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == ChunkSize);

        Log.CleanupCompleted(logger, total, cutoff);
        return total;
    }
}
