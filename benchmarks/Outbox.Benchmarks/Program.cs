using BenchmarkDotNet.Running;
using Outbox.Benchmarks;
using Outbox.Testing.Databases;

// --latency [N] [--rate R] [--per-save P] [--writers W] [--lanes L] [--database SQLite|PostgreSQL]: N messages (10,000)
// at R msg/s (1,000), P per SaveChanges (1), from W concurrent writers (1), relayed by L lanes (the default, 4), on
// both databases unless one is named; PostgreSQL is POSTGRES_CONNECTION_STRING or the shared test fixture's
// throwaway cluster.
// Anything else goes to BenchmarkDotNet.
if (args is ["--latency", ..])
{
    var count = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 10_000;
    var rate = Option("--rate") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 1_000;
    var writers = Option("--writers") is { } w ? int.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : 1;
    var perSave = Option("--per-save") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 1;
    var lanes = Option("--lanes") is { } l ? int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
    if (perSave < 1)
    {
        Console.Error.WriteLine($"--per-save must be at least 1 (was {perSave}).");
        return;
    }

    var only = Option("--database");
    var run = "lat" + Guid.NewGuid().ToString("N")[..8];
    if (only is null or "SQLite")
    {
        await RelayLatency.RunAsync("SQLite", $"Data Source={Path.Combine(Path.GetTempPath(), run + ".db")}", count, rate, writers, perSave, lanes);
    }

    if (only is null or "PostgreSQL")
    {
        await RelayLatency.RunAsync("PostgreSQL", await PostgreSqlServer.CreateDatabaseAsync(run), count, rate, writers, perSave, lanes);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RelayThroughput).Assembly).Run(args);

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
