using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck;
using Outbox.ClaimCheck.Internal;
using Outbox.ClaimCheck.Stores;
using Quartz;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the claim check.</summary>
public static class ClaimCheckServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ClaimCheckProcessor"/> and its options. Register an <see cref="IClaimCheckStore"/>
    /// too, or use <see cref="AddFileSystemClaimCheck"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the threshold and retention.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddClaimCheck(this IServiceCollection services, Action<ClaimCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ClaimCheckOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.Validate() is null, "ClaimCheckOptions are invalid: threshold, retention and cleanup interval must be positive.").ValidateOnStart();
        services.TryAddSingleton<ClaimCheckProcessor>();
        services.TryAddSingleton(TimeProvider.System);

        // The cleanup runs in the application's Quartz scheduler (AddQuartzHostedService starts it).
        var interval = new ClaimCheckOptions();
        configure?.Invoke(interval);
        services.AddQuartz(quartz => quartz
            .AddJob<ClaimCheckCleanupJob>(job => job.WithIdentity(ClaimCheckCleanupJob.Key).StoreDurably())
            .AddTrigger(trigger => trigger
                .ForJob(ClaimCheckCleanupJob.Key)
                .WithIdentity("claim-check-cleanup-trigger", "outbox")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval.CleanupInterval).RepeatForever())));
        return services;
    }

    /// <summary>Registers the claim check with payloads kept as files under <paramref name="rootDirectory"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="rootDirectory">The directory that holds the blobs.</param>
    /// <param name="configure">Sets the threshold and retention.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddFileSystemClaimCheck(this IServiceCollection services, string rootDirectory, Action<ClaimCheckOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        services.TryAddSingleton<IClaimCheckStore>(_ => new FileSystemClaimCheckStore(rootDirectory));
        return services.AddClaimCheck(configure);
    }
}
