using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Outbox.Internal.Capture;

/// <summary>
/// What <c>UseOutbox()</c> adds to a context's options: the per-context <see cref="OutboxContextState"/>,
/// the two capture interceptors and SQLite's busy timeout, registered in EF Core's internal service provider.
/// </summary>
internal sealed class OutboxOptionsExtension : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
        services.TryAddScoped<OutboxContextState>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor>(OutboxSaveChangesInterceptor.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor>(OutboxTransactionInterceptor.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor>(Storage.SqliteBusyTimeoutInterceptor.Instance));
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "UseOutbox ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Outbox:UseOutbox"] = "1";
    }
}
