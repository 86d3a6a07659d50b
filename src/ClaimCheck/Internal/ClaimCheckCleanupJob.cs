using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Outbox.ClaimCheck.Internal;

/// <summary>Deletes blobs older than <see cref="ClaimCheckOptions.Retention"/>; scheduled with Quartz.</summary>
[DisallowConcurrentExecution]
internal sealed partial class ClaimCheckCleanupJob(IClaimCheckStore store, IOptions<ClaimCheckOptions> options, TimeProvider time, ILogger<ClaimCheckCleanupJob> logger) : IJob
{
    public static readonly JobKey Key = new("claim-check-cleanup", "outbox");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var deleted = await store.DeleteOlderThanAsync(cutoff, cancellationToken).ConfigureAwait(false);
        Deleted(logger, deleted, store.Name, cutoff);
    }

    [LoggerMessage(6000, LogLevel.Information, "Deleted {Count} claim-check blobs from store {Store} written before {Cutoff}")]
    private static partial void Deleted(ILogger logger, int count, string store, DateTimeOffset cutoff);
}
