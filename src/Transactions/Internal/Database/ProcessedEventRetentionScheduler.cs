using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Internal.Retention;
using Quartz;

namespace Outbox.Transactions.Internal.Database;

/// <summary>
/// Schedules a pipeline's <see cref="ProcessedEventRetentionJob"/> with the application's Quartz scheduler at
/// start-up, from the validated options: the first delete at once, then one every <see cref="PipelineDatabaseOptions.RetentionInterval"/>.
/// </summary>
internal sealed class ProcessedEventRetentionScheduler(
    string pipeline,
    ISchedulerFactory schedulers,
    IOptionsMonitor<PipelineDatabaseOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Get(pipeline);
        return RetentionSchedule.ReplaceAsync(
            schedulers,
            ProcessedEventRetentionJob.DetailFor(pipeline),
            settings.ProcessedEventRetention is null ? null : settings.RetentionInterval,
            cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
