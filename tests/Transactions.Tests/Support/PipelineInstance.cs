using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Outbox.Transactions.Tests.Support;

/// <summary>A pipeline instance in this process: a service provider with the pipeline's hosted service started.</summary>
internal sealed class PipelineInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _hosted;
    private bool _stopped;

    private PipelineInstance(ServiceProvider services)
    {
        _services = services;
        _hosted = [.. services.GetServices<IHostedService>()];
    }

    public static async Task<PipelineInstance> StartAsync(Action<IServiceCollection> configure, CapturingLoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Information);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        services.AddSingleton<IHostApplicationLifetime, StartedApplicationLifetime>();
        configure(services);
        var instance = new PipelineInstance(services.BuildServiceProvider());
        foreach (var hosted in instance._hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return instance;
    }

    /// <summary>Stops gracefully: the open transaction is aborted and the consumer leaves the group.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
    }
}
