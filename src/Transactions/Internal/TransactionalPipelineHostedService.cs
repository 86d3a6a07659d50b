using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck;
using Outbox.Messaging;
using Outbox.Transactions.Diagnostics;
using Outbox.Transactions.Internal.Database;
using Outbox.Transactions.Internal.Kafka;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Internal;

/// <summary>
/// Runs one instance of a pipeline for the lifetime of the host. An instance that fails in a way the loop
/// cannot recover from (a fatal consumer error, a broker gone for longer than the operation timeout) is
/// disposed and started again with fresh clients, after a growing pause.
/// </summary>
internal sealed class TransactionalPipelineHostedService<TMessage>(
    string name,
    IServiceProvider services,
    IOptionsMonitor<TransactionalPipelineOptions> options) : BackgroundService
    where TMessage : class
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly PipelineDatabase? _database = services.GetKeyedService<PipelineDatabase>(name);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A DbContext the pipeline cannot use fails the host's start, not every record.
        if (_database is not null)
        {
            PipelineDatabaseCheck.Verify(name, _database, services);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = PipelineSettings.From(name, options.Get(name));
        var logger = (services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)
            .CreateLogger($"Outbox.Transactions.{name}");
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        await RunWithRestartsAsync(settings, logger, time, stoppingToken).ConfigureAwait(false);
    }

    private async Task RunWithRestartsAsync(PipelineSettings settings, ILogger logger, TimeProvider time, CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                await RunInstanceAsync(settings, logger, time, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRestartDelay.TotalMilliseconds, 200 * Math.Pow(2, failures - 1)));
                Log.InstanceFailed(logger, exception, name, delay);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RunInstanceAsync(PipelineSettings settings, ILogger logger, TimeProvider time, CancellationToken stoppingToken)
    {
        var registry = services.GetRequiredService<MessageTypeRegistry>();
        var serializer = services.GetRequiredService<IMessageSerializer>();
        InputTypes.Register<TMessage>(registry);
        var claimCheck = services.GetService<ClaimCheckProcessor>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        IHandlerAttempt<TMessage> attempt = _database is null
            ? new ScopedHandlerAttempt<TMessage>(scopes)
            : new DatabaseHandlerAttempt<TMessage>(settings, _database, scopes, time, logger);
        var processor = new RecordProcessor<TMessage>(
            settings,
            attempt,
            registry,
            serializer,
            new OutputRecordFactory(registry, serializer, settings.Source, time, claimCheck),
            new DeadLetterRecordFactory(settings.DeadLetterTopic, settings.GroupId, time),
            time,
            logger,
            claimCheck);
        var producer = new PipelineProducer(settings, logger);
        await using (producer.ConfigureAwait(false))
        {
            var consumer = new PipelineConsumer(settings, logger);
            await using (consumer.ConfigureAwait(false))
            {
                var loop = new PipelineLoop(settings, consumer, producer, processor, time, logger);
                await loop.RunAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
