using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Outbox.Testing.Databases;

/// <summary>
/// The PostgreSQL server of this test process: <c>POSTGRES_CONNECTION_STRING</c> when set (scripts/test.sh
/// and CI set it), otherwise a throwaway cluster started from the server binaries under
/// /usr/lib/postgresql the way scripts/test.sh does it, stopped when the process exits or is killed. Each test class
/// gets a database of its own from <see cref="CreateDatabaseAsync"/>, so classes run in parallel.
/// </summary>
public static class PostgreSqlServer
{
    public const string Variable = "POSTGRES_CONNECTION_STRING";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>Creates (or re-creates) database <paramref name="name"/> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var server = await Server.Value.ConfigureAwait(false);
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", $"CREATE DATABASE \"{name}\"" })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, MaxPoolSize = 20 }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } external)
        {
            return external;
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new DatabaseUnavailableException(
                $"No PostgreSQL: set {Variable} (or install the server binaries under /usr/lib/postgresql).", DatabaseRequirement.IsRequired("postgres"));
        }

        var directory = Directory.CreateTempSubdirectory("outbox-pg-").FullName;
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", $"postgres {directory}").ConfigureAwait(false);
        }

        await RunAsPostgresAsync(asRoot, $"'{bin}/initdb' -D '{directory}/data' -U postgres --auth=trust -E UTF8 > '{directory}/initdb.log' 2>&1").ConfigureAwait(false);
        await RunAsPostgresAsync(asRoot,
            $"'{bin}/pg_ctl' -D '{directory}/data' -l '{directory}/server.log' -w -o \"-p {port} -k '{directory}' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start > /dev/null").ConfigureAwait(false);

        // A test host killed outright (SIGKILL, a timeout) runs no exit handler: a watchdog stops the server once
        // this process is gone, so no daemon outlives it.
        var watchdog = $"while [ -d /proc/{Environment.ProcessId} ]; do sleep 1; done; '{bin}/pg_ctl' -D '{directory}/data' -m immediate stop; rm -rf '{directory}'";
        await RunAsPostgresAsync(asRoot, $"nohup sh -c \"{watchdog}\" > /dev/null 2>&1 < /dev/null &").ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            using var stop = Process.Start(Shell(asRoot, $"'{bin}/pg_ctl' -D '{directory}/data' -m immediate stop > /dev/null 2>&1"));
            stop?.WaitForExit(10_000);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    private static Task RunAsPostgresAsync(bool asRoot, string command) => RunAsync(Shell(asRoot, command));

    private static ProcessStartInfo Shell(bool asRoot, string command) => asRoot
        ? new ProcessStartInfo("su", ["postgres", "-s", "/bin/sh", "-c", command])
        : new ProcessStartInfo("sh", ["-c", command]);

    private static Task RunAsync(string file, string arguments) => RunAsync(new ProcessStartInfo(file, arguments));

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new DatabaseUnavailableException(
                $"Starting a throwaway PostgreSQL failed ({start.FileName} exited {process.ExitCode}: {error.Trim()}); set {Variable} instead.",
                DatabaseRequirement.IsRequired("postgres"));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
