using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Internal.Storage;

/// <summary>
/// Gives the relay and the cleanup job an open connection to the application's database, taken
/// from a fresh <typeparamref name="TDbContext"/> so the outbox uses exactly the connection string,
/// provider and schema the application configured.
/// </summary>
internal sealed class OutboxDatabase<TDbContext>(IServiceScopeFactory scopes) : IOutboxDatabase
    where TDbContext : DbContext
{
    private OutboxStore? _store;

    public async Task<T> RunAsync<T>(Func<DbConnection, OutboxStore, Task<T>> work, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var store = _store ??= new OutboxStore(OutboxSqlDialects.For(context.Database.ProviderName, OutboxTables.From(context.Model)));
            var connection = context.Database.GetDbConnection();
            if (connection.State != ConnectionState.Open)
            {
                await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }

            return await work(connection, store).ConfigureAwait(false);
        }
    }
}
