using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Outbox.Transactions.Internal.Database;
using Quartz;

namespace Outbox.Transactions;

/// <summary>Adds features to a pipeline registered with <c>AddTransactionalPipeline</c>.</summary>
public sealed class TransactionalPipelineBuilder
{
    internal TransactionalPipelineBuilder(IServiceCollection services, string name)
    {
        Services = services;
        Name = name;
    }

    /// <summary>The service collection the pipeline was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The pipeline's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Gives the pipeline database effects in <typeparamref name="TDbContext"/>, exactly once per input. Every handler
    /// attempt runs in one database transaction of the scoped <typeparamref name="TDbContext"/> (inject it into the
    /// handler): the handler's changes and the input's inbox row (group id + event id, the Inbox's table) commit
    /// together, before the Kafka transaction that carries the outputs and the offsets. When the Kafka transaction
    /// then aborts, the redelivered input finds its row: the handler runs again with
    /// <see cref="PipelineContext.DatabaseEffectsCommitted"/> set, its outputs are produced and its database changes
    /// rolled back. The model must include the inbox tables (<c>modelBuilder.AddInboxTables()</c>); rows older than
    /// <see cref="PipelineDatabaseOptions.ProcessedEventRetention"/> are deleted by a Quartz job while the host runs.
    /// </summary>
    /// <typeparam name="TDbContext">The application's DbContext, registered as a scoped service.</typeparam>
    /// <param name="configure">Sets the retention of the inbox rows; they are validated at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The pipeline already has a database.</exception>
    public TransactionalPipelineBuilder WithDatabase<TDbContext>(Action<PipelineDatabaseOptions>? configure = null)
        where TDbContext : DbContext
    {
        if (Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, Name) && d.ServiceType == typeof(PipelineDatabase)))
        {
            throw new InvalidOperationException($"Pipeline '{Name}' already has a database; WithDatabase is called once per pipeline.");
        }

        Services.AddKeyedSingleton(Name, new PipelineDatabase(typeof(TDbContext)));
        Services.AddOptions<PipelineDatabaseOptions>(Name).Configure(options => configure?.Invoke(options)).ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineDatabaseOptions>, PipelineDatabaseOptionsValidator>());

        Services.TryAddSingleton(TimeProvider.System);
        Services.TryAddTransient<ProcessedEventRetentionJob>();
        Services.AddQuartz();
        var name = Name;
        // One scheduler per pipeline name; AddHostedService would keep only the first of one type.
        Services.AddSingleton<IHostedService>(provider => new ProcessedEventRetentionScheduler(
            name, provider.GetRequiredService<ISchedulerFactory>(), provider.GetRequiredService<IOptionsMonitor<PipelineDatabaseOptions>>()));
        Services.AddQuartzHostedService();
        return this;
    }
}
