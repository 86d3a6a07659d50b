using System.Data.Common;

namespace Outbox.Internal.Storage;

/// <summary>An open connection to the database that holds the outbox, and the store for its dialect.</summary>
internal interface IOutboxDatabase
{
    Task<T> RunAsync<T>(Func<DbConnection, OutboxStore, Task<T>> work, CancellationToken cancellationToken);
}
