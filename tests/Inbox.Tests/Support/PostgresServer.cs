using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

[assembly: AssemblyFixture(typeof(Outbox.Inbox.Tests.Support.PostgresServer))]

namespace Outbox.Inbox.Tests.Support;

/// <summary>
/// The PostgreSQL server of this test run: POSTGRES_CONNECTION_STRING when set, else a throwaway cluster
/// started like scripts/test.sh does (as the postgres user when root). Without either, PostgreSQL tests
/// skip naming the variable, or fail when OUTBOX_REQUIRE contains "postgres".
/// Minimal on purpose: replace with the shared fixture in tests/Testing/Databases once it is in main.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Variable = "POSTGRES_CONNECTION_STRING";

    private string? _dataDirectory;
    private string? _binDirectory;

    public string? ConnectionString { get; private set; }

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            ConnectionString = configured;
            return;
        }

        _binDirectory = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d).LastOrDefault()
            : null;
        if (_binDirectory is null)
        {
            Unavailable = $"No PostgreSQL: set {Variable} or install the server binaries.";
            return;
        }

        _dataDirectory = Directory.CreateTempSubdirectory("inbox-pg.").FullName;
        var port = FreePort();
        var root = Environment.UserName == "root";
        if (root)
        {
            await Run("chown", ["postgres", _dataDirectory]);
        }

        await RunAsServer(root, $"'{_binDirectory}/initdb' -D '{_dataDirectory}/data' -U postgres --auth=trust -E UTF8 >'{_dataDirectory}/initdb.log' 2>&1");
        await RunAsServer(root, $"'{_binDirectory}/pg_ctl' -D '{_dataDirectory}/data' -l '{_dataDirectory}/server.log' -w -o \"-p {port} -k '{_dataDirectory}' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start >/dev/null");
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is not null && _binDirectory is not null)
        {
            var root = Environment.UserName == "root";
            try
            {
                await RunAsServer(root, $"'{_binDirectory}/pg_ctl' -D '{_dataDirectory}/data' -m immediate stop >/dev/null 2>&1");
            }
            finally
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>A new empty database; skips (or fails when required) without a server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (ConnectionString is null)
        {
            if ((Environment.GetEnvironmentVariable("OUTBOX_REQUIRE") ?? "").Contains("postgres", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"PostgreSQL is required (OUTBOX_REQUIRE) but unavailable. {Unavailable}");
            }

            Assert.Skip(Unavailable ?? $"Set {Variable}.");
        }

        var name = "inbox_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsServer(bool root, string script) =>
        root ? Run("su", ["postgres", "-s", "/bin/sh", "-c", script]) : Run("sh", ["-c", script]);

    private static async Task Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}");
        }
    }
}
