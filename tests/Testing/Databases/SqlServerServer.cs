using DotNet.Testcontainers.Configurations;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace Outbox.Testing.Databases;

/// <summary>
/// The SQL Server of this test process: <c>MSSQL_CONNECTION_STRING</c> when set, else a Testcontainers
/// SQL Server when a Docker engine answers, else unavailable (tests skip saying what to set).
/// </summary>
public static class SqlServerServer
{
    public const string Variable = "MSSQL_CONNECTION_STRING";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    public static async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var server = await Server.Value.ConfigureAwait(false);
        await using (var connection = new SqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new SqlCommand(
                $"IF DB_ID('{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END; CREATE DATABASE [{name}];",
                connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new SqlConnectionStringBuilder(server) { InitialCatalog = name, TrustServerCertificate = true }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } external)
        {
            return external;
        }

        if (!DockerEngineAnswers())
        {
            throw new DatabaseUnavailableException(
                $"No SQL Server: set {Variable} to a server's connection string, or run where a Docker engine answers for Testcontainers.",
                DatabaseRequirement.IsRequired("sqlserver"));
        }

        var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return container.GetConnectionString();
    }

    private static bool DockerEngineAnswers()
    {
        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
