using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Outbox.Messaging;
using Outbox.Transactions;
using Outbox.Transactions.Internal;

#pragma warning disable IDE0130 // Extension methods live in the namespace of the type they extend.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers exactly-once consume-transform-produce pipelines.</summary>
public static class TransactionalPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds a pipeline that consumes <see cref="TransactionalPipelineOptions.Topics"/>, hands each message to
    /// <typeparamref name="THandler"/> and commits the emitted outputs together with the consumed offsets in
    /// Kafka transactions. It runs as a hosted service; every process running it joins the same group.
    /// </summary>
    /// <typeparam name="TMessage">The input message class (or a base class of the registered input types).</typeparam>
    /// <typeparam name="THandler">The handler, resolved from a new scope for every attempt.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The pipeline name: the default group id, and the name of its options.</param>
    /// <param name="configure">Sets the options; they are validated at start-up.</param>
    /// <returns>A builder that adds database effects to the pipeline (<see cref="TransactionalPipelineBuilder.WithDatabase{TDbContext}"/>).</returns>
    /// <example>
    /// <code>
    /// services.AddTransactionalPipeline&lt;OrderPlaced, ReserveStock&gt;("stock-reservations", options =>
    /// {
    ///     options.Kafka.BootstrapServers = "localhost:9092";
    ///     options.Topics.Add("orders");
    /// })
    /// .WithDatabase&lt;ShopContext&gt;();   // optional: database effects exactly once, through the inbox table
    /// </code>
    /// </example>
    public static TransactionalPipelineBuilder AddTransactionalPipeline<TMessage, THandler>(
        this IServiceCollection services,
        string name,
        Action<TransactionalPipelineOptions> configure)
        where TMessage : class
        where THandler : class, IPipelineHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<TransactionalPipelineOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TransactionalPipelineOptions>, TransactionalPipelineOptionsValidator>());
        services.TryAddSingleton<MessageTypeRegistry>();
        services.TryAddSingleton<IMessageSerializer, JsonMessageSerializer>();
        services.TryAddScoped<IPipelineHandler<TMessage>, THandler>();

        // One hosted service per pipeline name; AddHostedService would keep only the first of one type.
        services.AddSingleton<IHostedService>(provider => new TransactionalPipelineHostedService<TMessage>(
            name, provider, provider.GetRequiredService<IOptionsMonitor<TransactionalPipelineOptions>>()));
        return new TransactionalPipelineBuilder(services, name);
    }
}
