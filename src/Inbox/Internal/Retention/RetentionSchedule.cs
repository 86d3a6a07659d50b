using Quartz;

namespace Outbox.Inbox.Internal.Retention;

/// <summary>
/// The schedule of a retention job, shared by the inbox and the pipelines with a database: the first delete at once,
/// then one every interval.
/// </summary>
internal static class RetentionSchedule
{
    /// <summary>
    /// Replaces the job's schedule of an earlier start (a persistent job store keeps it) with one firing every
    /// <paramref name="interval"/>; with no interval (retention off) the job is only removed.
    /// </summary>
    public static async Task ReplaceAsync(ISchedulerFactory schedulers, IJobDetail job, TimeSpan? interval, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.DeleteJob(job.Key, cancellationToken).ConfigureAwait(false);
        if (interval is not { } every)
        {
            return;
        }

        var trigger = TriggerBuilder.Create()
            .WithIdentity(job.Key.Name + "-trigger", job.Key.Group)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(job, trigger, default, cancellationToken).ConfigureAwait(false);
    }
}
