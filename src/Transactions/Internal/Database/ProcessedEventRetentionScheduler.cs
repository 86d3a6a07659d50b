using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var key = ProcessedEventRetentionJob.KeyFor(pipeline);
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        // Replaces the schedule of an earlier start (a persistent job store keeps it), or drops it when retention is off.
        await scheduler.DeleteJob(key, cancellationToken).ConfigureAwait(false);
        var settings = options.Get(pipeline);
        if (settings.ProcessedEventRetention is null)
        {
            return;
        }

        var trigger = TriggerBuilder.Create()
            .WithIdentity(key.Name + "-trigger", key.Group)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(settings.RetentionInterval).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(ProcessedEventRetentionJob.DetailFor(pipeline), trigger, default, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
