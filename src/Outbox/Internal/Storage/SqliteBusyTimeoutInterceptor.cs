using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Outbox.Internal.Storage;

/// <summary>
/// Gives every SQLite connection of an outbox context a busy timeout unless it has one. The relay is a
/// second writer beside the application; without SQLite's busy handler, which retries a locked write
/// within milliseconds, Microsoft.Data.Sqlite retries it only every 150 ms, and each writer's commit
/// then waits that long for the other's. The timeout is the connection's command timeout.
/// </summary>
internal sealed class SqliteBusyTimeoutInterceptor : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeoutInterceptor Instance = new();

    private const string Provider = "Microsoft.EntityFrameworkCore.Sqlite";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (eventData.Context?.Database.ProviderName != Provider)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
#pragma warning disable CA2100 // The statement holds a number, never input.
            command.CommandText = SetTimeout(command.CommandTimeout);
#pragma warning restore CA2100
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.ProviderName != Provider)
        {
            return;
        }

        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = "PRAGMA busy_timeout";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
#pragma warning disable CA2100 // The statement holds a number, never input.
                command.CommandText = SetTimeout(command.CommandTimeout);
#pragma warning restore CA2100
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A command timeout of 0 means no limit; so does the longest busy timeout.
    private static string SetTimeout(int commandTimeoutSeconds) =>
        "PRAGMA busy_timeout = " + (commandTimeoutSeconds == 0 ? int.MaxValue : Math.Min(int.MaxValue / 1000, commandTimeoutSeconds) * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
