using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Transactions.PipelineHost;

/// <summary>The end-to-end pipeline's registration, shared by this process and the in-process tests.</summary>
public static class EnrichmentPipeline
{
    public const string InputTopic = "orders";

    public static IServiceCollection AddEnrichmentPipeline(
        this IServiceCollection services, string bootstrapServers, string groupId, string instanceId, Action<TransactionalPipelineOptions>? configure = null) =>
        services.AddTransactionalPipeline<OrderPlaced, EnrichOrders>(groupId, options =>
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
        });
}
