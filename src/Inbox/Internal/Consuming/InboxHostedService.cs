using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Internal.Pipeline;

namespace Outbox.Inbox.Internal.Consuming;

/// <summary>Starts <see cref="InboxOptions.ConsumersPerHost"/> consume loops with the host and stops them, drained, with it.</summary>
internal sealed class InboxHostedService : IHostedService
{
    private readonly IOptions<InboxOptions> _options;
    private readonly InboxPipeline _pipeline;
    private readonly ILoggerFactory _loggers;
    private readonly List<ConsumeLoop> _loops = [];

    public InboxHostedService(IOptions<InboxOptions> options, InboxPipeline pipeline, ILoggerFactory loggers)
    {
        _options = options;
        _pipeline = pipeline;
        _loggers = loggers;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var logger = _loggers.CreateLogger<ConsumeLoop>();
        for (var i = 0; i < options.ConsumersPerHost; i++)
        {
            var loop = new ConsumeLoop(options, _pipeline, logger, $"inbox-{options.ConsumerGroup}-{i}");
            _loops.Add(loop);
            loop.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Each loop bounds its own drain by ShutdownTimeout; the host's token only stops us from waiting longer.
        await Task.WhenAll(_loops.Select(l => l.StopAsync())).WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }

        _loops.Clear();
    }
}
