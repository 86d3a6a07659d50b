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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var job = JobBuilder.Create<InboxRetentionJob>().WithIdentity(InboxRetentionJob.Key).Build();
        return RetentionSchedule.ReplaceAsync(
            _schedulers, job, options.ProcessedEventRetention is null ? null : options.RetentionInterval, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
