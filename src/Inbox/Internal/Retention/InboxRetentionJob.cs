using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Internal.Storage;
using Quartz;

namespace Outbox.Inbox.Internal.Retention;

/// <summary>Deletes the group's inbox rows older than <see cref="InboxOptions.ProcessedEventRetention"/>; scheduled with Quartz.</summary>
[DisallowConcurrentExecution]
internal sealed class InboxRetentionJob : IJob
{
    public static readonly JobKey Key = new("outbox-inbox-retention", "outbox");

    private readonly InboxDbContextFactory _contexts;
    private readonly InboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InboxRetentionJob> _logger;

    public InboxRetentionJob(InboxDbContextFactory contexts, IOptions<InboxOptions> options, TimeProvider time, ILogger<InboxRetentionJob> logger)
    {
        _contexts = contexts;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await DeleteExpiredAsync(cancellationToken).ConfigureAwait(false);

    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        if (_options.ProcessedEventRetention is not { } retention)
        {
            return 0;
        }

        var cutoff = _time.GetUtcNow().UtcDateTime - retention;
        var group = _options.ConsumerGroup;
        var db = _contexts.Open();
        await using var dbLifetime = db.ConfigureAwait(false);
        var deleted = await ProcessedEventQueries.DeleteProcessedBeforeAsync(db.Context, group, cutoff, cancellationToken).ConfigureAwait(false);
        Log.RetentionDeleted(_logger, deleted, cutoff);
        return deleted;
    }
}
