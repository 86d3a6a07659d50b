using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outbox;
using Outbox.Internal;
using Outbox.Internal.Capture;
using Outbox.Internal.Relay;
using Outbox.Internal.Storage;
using Quartz;

#pragma warning disable IDE0130 // Declared in the DI namespace so AddOutbox is found beside AddDbContext.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the outbox and its relay.</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the outbox for <typeparamref name="TDbContext"/>: the scoped <see cref="IOutbox"/>, capture in
    /// the context's <c>SaveChanges</c>, the relay hosted service (unless <see cref="OutboxOptions.EnableRelay"/>
    /// is off) and the cleanup job. The context must also call <c>modelBuilder.AddOutbox()</c> in
    /// <c>OnModelCreating</c>. Options are validated when the host starts.
    /// </summary>
    /// <typeparam name="TDbContext">The application's context, registered with <c>AddDbContext</c>.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddOutbox<TDbContext>(this IServiceCollection services, Action<OutboxOptions> configure)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<OutboxOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RelaySignal>();
        services.TryAddSingleton<RelayHooks>();
        services.TryAddSingleton<OutboxMessageFactory>();
        services.TryAddSingleton<IOutboxDatabase, OutboxDatabase<TDbContext>>();
        services.TryAddScoped<IOutbox, OutboxPublisher<TDbContext>>();
        services.ConfigureDbContext<TDbContext>(builder => builder.UseOutbox());
        services.AddHostedService<RelayLoop>();

        // Quartz's schedule is fixed at registration, so the interval is read from the options given here.
        var probe = new OutboxOptions();
        configure(probe);
        if (probe.CleanupInterval > TimeSpan.Zero)
        {
            services.AddQuartz(quartz =>
            {
                quartz.AddJob<OutboxCleanupJob>(job => job.WithIdentity(OutboxCleanupJob.Key));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(OutboxCleanupJob.Key)
                    .StartAt(DateTimeOffset.UtcNow + probe.CleanupInterval)
                    .WithSimpleSchedule(schedule => schedule.WithInterval(probe.CleanupInterval).RepeatForever()));
            });
            services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
        }

        return services;
    }
}
