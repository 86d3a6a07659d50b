using BenchmarkDotNet.Running;
using Outbox.Benchmarks;

if (args is ["--latency", ..])
{
    var count = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 10_000;
    var run = "lat" + Guid.NewGuid().ToString("N")[..8];
    await RelayLatency.RunAsync("SQLite", $"Data Source={Path.Combine(Path.GetTempPath(), run + ".db")}", count);
    if (Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING") is { Length: > 0 } server)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await using (var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{run}\"", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        await RelayLatency.RunAsync("PostgreSQL", new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = run }.ConnectionString, count);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RelayThroughput).Assembly).Run(args);
