using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Outbox.Transactions.Benchmarks;

/// <summary>A pipeline's hosted services started from a service collection, as a host would, and stopped on dispose.</summary>
internal sealed class PipelineInstance : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _hosted;

    private PipelineInstance(ServiceProvider provider)
    {
        _provider = provider;
        _hosted = [.. provider.GetServices<IHostedService>()];
    }

    public static async Task<PipelineInstance> StartAsync(ServiceCollection services)
    {
        var instance = new PipelineInstance(services.BuildServiceProvider());
        foreach (var service in instance._hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }
}
