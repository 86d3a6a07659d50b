using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Outbox.Inbox;
using Outbox.Inbox.Internal;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Inbox.Internal.Handlers;
using Outbox.Inbox.Internal.Pipeline;
using Outbox.Inbox.Internal.Pipeline.Blocking;
using Outbox.Inbox.Internal.Pipeline.DeadLetter;
using Outbox.Inbox.Internal.Pipeline.Dedupe;
using Outbox.Inbox.Internal.Pipeline.Deserialize;
using Outbox.Inbox.Internal.Pipeline.Retry;
using Outbox.Inbox.Internal.Retention;
using Outbox.Inbox.Internal.Storage;
using Outbox.Messaging;
using Quartz;

// Declared in the namespace of the type it extends, as Microsoft's own extensions are.
// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the inbox consumer host.</summary>
public static class InboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the inbox: a hosted consumer of <see cref="InboxOptions.ConsumerGroup"/> that hands each record to the
    /// registered <see cref="IMessageHandler{TMessage}"/>s inside a transaction of <typeparamref name="TDbContext"/>,
    /// whose model must include the inbox tables (<c>modelBuilder.AddInboxTables()</c>). Also registers
    /// <see cref="InboxOperations"/> and, when <see cref="InboxOptions.ProcessedEventRetention"/> is set, a Quartz
    /// job deleting expired inbox rows. One inbox per service collection.
    /// </summary>
    /// <typeparam name="TDbContext">The application's DbContext, registered as a scoped service.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the consumer group, Kafka connection, subscriptions and limits.</param>
    /// <returns>A builder to add handlers with.</returns>
    /// <exception cref="InvalidOperationException">An inbox was already added.</exception>
    public static InboxBuilder AddInbox<TDbContext>(this IServiceCollection services, Action<InboxOptions> configure)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(InboxPipeline)))
        {
            throw new InvalidOperationException("AddInbox was already called on this service collection; one inbox serves all its subscriptions.");
        }

        services.AddOptions<InboxOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InboxOptions>, InboxOptionsValidator>();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MessageTypeRegistry>();
        services.TryAddSingleton<IMessageSerializer, JsonMessageSerializer>();

        services.AddSingleton(sp => new InboxDbContextFactory(sp.GetRequiredService<IServiceScopeFactory>(), typeof(TDbContext)));
        services.AddSingleton(sp => new HandlerCatalog(sp.GetServices<HandlerRegistration>(), sp.GetRequiredService<MessageTypeRegistry>()));
        services.AddSingleton<InboxProducer>();
        services.AddSingleton<RecordDecoder>();
        services.AddSingleton<TransactionalHandler>();
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<DeadLetterReader>();
        services.AddSingleton<BlockStore>();
        services.AddSingleton<ParkedEventReleaser>();
        services.AddSingleton<RetryBackoff>();
        services.AddSingleton<InboxPipeline>();
        services.AddSingleton(sp => new InboxOperations(
            sp.GetRequiredService<BlockStore>(),
            sp.GetRequiredService<DeadLetterReader>(),
            sp.GetRequiredService<DeadLetterPublisher>(),
            sp.GetRequiredService<InboxProducer>(),
            sp.GetRequiredService<ParkedEventReleaser>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<InboxOperations>>()));
        services.AddHostedService<InboxHostedService>();

        services.AddTransient<InboxRetentionJob>();
        services.AddQuartz();
        services.AddHostedService<InboxRetentionScheduler>();
        services.AddQuartzHostedService();
        return new InboxBuilder(services);
    }
}
