using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Outbox.Internal.Storage;

namespace Outbox.Tests.Support;

/// <summary>Makes the relay's database unreachable on demand: every call fails as a dropped connection would.</summary>
public sealed class DatabaseOutage
{
    private int _refused;
    private volatile bool _down;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public int Refused => Volatile.Read(ref _refused);

    internal void ThrowIfDown()
    {
        if (Down)
        {
            Interlocked.Increment(ref _refused);
            throw new OutageException();
        }
    }

    private sealed class OutageException() : DbException("The database is down (injected outage).");
}

internal sealed class OutageDatabase(IOutboxDatabase inner, DatabaseOutage outage) : IOutboxDatabase
{
    public Task<T> RunAsync<T>(Func<DbConnection, OutboxStore, Task<T>> work, CancellationToken cancellationToken)
    {
        outage.ThrowIfDown();
        return inner.RunAsync(work, cancellationToken);
    }
}

public static class OutageRegistration
{
    /// <summary>Wraps the outbox database in the registered <see cref="DatabaseOutage"/>.</summary>
    public static IServiceCollection Decorate(this IServiceCollection services)
    {
        services.AddSingleton<OutboxDatabase<OrdersContext>>();
        services.AddSingleton<IOutboxDatabase>(sp => new OutageDatabase(sp.GetRequiredService<OutboxDatabase<OrdersContext>>(), sp.GetRequiredService<DatabaseOutage>()));
        return services;
    }
}
