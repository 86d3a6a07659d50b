using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Internal.Storage;
using Outbox.Transactions.Diagnostics;
using Quartz;

namespace Outbox.Transactions.Internal.Database;

/// <summary>
/// Deletes a pipeline group's inbox rows older than <see cref="PipelineDatabaseOptions.ProcessedEventRetention"/>;
/// scheduled with Quartz, one job per pipeline with a database. Every instance runs it; the deletes are idempotent.
/// A failed delete is logged and tried again at the next firing.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ProcessedEventRetentionJob(
    IServiceProvider services,
    IOptionsMonitor<PipelineDatabaseOptions> databaseOptions,
    IOptionsMonitor<TransactionalPipelineOptions> pipelineOptions,
    TimeProvider time,
    ILogger<ProcessedEventRetentionJob> logger) : IJob
{
    private const string PipelineKey = "pipeline";

    public static JobKey KeyFor(string pipeline) => new($"outbox-pipeline-retention-{pipeline}", "outbox");

    public static IJobDetail DetailFor(string pipeline) =>
        JobBuilder.Create<ProcessedEventRetentionJob>().WithIdentity(KeyFor(pipeline)).UsingJobData(PipelineKey, pipeline).Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var pipeline = context.MergedJobDataMap.GetString(PipelineKey)
            ?? throw new InvalidOperationException($"Job {context.JobDetail.Key} lacks the name of its pipeline.");
        try
        {
            await DeleteExpiredAsync(pipeline, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever the database throws, the schedule keeps running; the next firing tries again.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Log.RetentionFailed(logger, exception, pipeline);
        }
    }

    public async Task<int> DeleteExpiredAsync(string pipeline, CancellationToken cancellationToken)
    {
        if (databaseOptions.Get(pipeline).ProcessedEventRetention is not { } retention)
        {
            return 0;
        }

        var database = services.GetRequiredKeyedService<PipelineDatabase>(pipeline);
        var groupId = PipelineSettings.From(pipeline, pipelineOptions.Get(pipeline)).GroupId;
        var cutoff = time.GetUtcNow().UtcDateTime - retention;
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var deleted = await ProcessedEventQueries.DeleteProcessedBeforeAsync(db, groupId, cutoff, cancellationToken).ConfigureAwait(false);
            Log.RetentionDeleted(logger, pipeline, deleted, cutoff);
            return deleted;
        }
    }
}
