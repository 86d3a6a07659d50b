using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Transactions.PipelineHost;

/// <summary>The end-to-end pipelines' registrations, shared by this process and the in-process tests.</summary>
public static class EnrichmentPipeline
{
    public const string InputTopic = "orders";

    public static TransactionalPipelineBuilder AddEnrichmentPipeline(
        this IServiceCollection services, string bootstrapServers, string groupId, string instanceId, Action<TransactionalPipelineOptions>? configure = null) =>
        services.AddTransactionalPipeline<OrderPlaced, EnrichOrders>(groupId, options => Configure(options, bootstrapServers, instanceId, configure));

    /// <summary>
    /// The same pipeline with database effects (<see cref="EnrichOrdersWithDatabase"/>) in <see cref="EnrichmentDbContext"/>
    /// on <paramref name="provider"/> (<c>sqlite</c> or <c>postgres</c>).
    /// </summary>
    public static TransactionalPipelineBuilder AddEnrichmentPipelineWithDatabase(
        this IServiceCollection services, string bootstrapServers, string groupId, string instanceId, string provider, string connectionString,
        Action<TransactionalPipelineOptions>? configure = null)
    {
        services.AddDbContext<EnrichmentDbContext>(options => EnrichmentDbContext.Use(options, provider, connectionString));
        return services.AddTransactionalPipeline<OrderPlaced, EnrichOrdersWithDatabase>(groupId, options => Configure(options, bootstrapServers, instanceId, configure))
            .WithDatabase<EnrichmentDbContext>();
    }

    private static void Configure(TransactionalPipelineOptions options, string bootstrapServers, string instanceId, Action<TransactionalPipelineOptions>? configure)
    {
        options.Kafka.BootstrapServers = bootstrapServers;
        options.Topics.Add(InputTopic);
        options.InstanceId = instanceId;
        options.MaxAttempts = 2;
        options.MaxBatchSize = 100;
        options.RetryBackoff = TimeSpan.FromMilliseconds(10);
        options.TransactionTimeout = TimeSpan.FromSeconds(20);
        options.OperationTimeout = TimeSpan.FromSeconds(10);

        // Short group timers, so a killed or stalled instance leaves the group quickly.
        options.Kafka.Properties["session.timeout.ms"] = "3000";
        options.Kafka.Properties["heartbeat.interval.ms"] = "300";
        configure?.Invoke(options);
    }
}
