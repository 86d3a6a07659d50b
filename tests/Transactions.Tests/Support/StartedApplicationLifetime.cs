using Microsoft.Extensions.Hosting;

namespace Outbox.Transactions.Tests.Support;

/// <summary>
/// The application lifetime of a service provider started without a host (<see cref="PipelineInstance"/>): already
/// started, so Quartz (<c>WithDatabase</c>'s retention job) starts its scheduler with the hosted services.
/// </summary>
internal sealed class StartedApplicationLifetime : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted { get; } = new(canceled: true);

    public CancellationToken ApplicationStopping => CancellationToken.None;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication()
    {
    }
}
