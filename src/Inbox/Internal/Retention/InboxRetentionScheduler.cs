using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace Outbox.Inbox.Internal.Retention;

/// <summary>Schedules <see cref="InboxRetentionJob"/> with the application's Quartz scheduler at start-up, from the validated options.</summary>
internal sealed class InboxRetentionScheduler : IHostedService
{
    private readonly ISchedulerFactory _schedulers;
    private readonly IOptions<InboxOptions> _options;

    public InboxRetentionScheduler(ISchedulerFactory schedulers, IOptions<InboxOptions> options)
    {
        _schedulers = schedulers;
        _options = options;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (options.ProcessedEventRetention is null)
        {
            return;
        }

        var job = JobBuilder.Create<InboxRetentionJob>().WithIdentity(InboxRetentionJob.Key).Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(InboxRetentionJob.Key.Name + "-trigger", InboxRetentionJob.Key.Group)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(options.RetentionInterval).RepeatForever())
            .Build();
        var scheduler = await _schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        // Replaces the schedule of an earlier start (a persistent job store keeps it).
        await scheduler.DeleteJob(InboxRetentionJob.Key, cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleJob(job, trigger, default, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
