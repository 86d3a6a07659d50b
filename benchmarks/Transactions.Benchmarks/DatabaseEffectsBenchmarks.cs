using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// The transactional pipeline with database effects in SQLite (<c>WithDatabase</c>: one database transaction per
/// input with the handler's row and the inbox row) against the same pipeline without a database.
/// </summary>
public class DatabaseEffectsBenchmarks : PipelineBenchmark
{
    protected override int Records => 5_000;

    [Benchmark(Baseline = true, Description = "exactly-once (transactions)")]
    public async Task ExactlyOnce()
    {
        var group = NextGroup();
        var services = new ServiceCollection();
        services.AddTransactionalPipeline<PaymentReceived, BookPayments>(group, options => Configure(options, group));
        await RunPipelineAsync(services, group);
    }

    [Benchmark(Description = "exactly-once + SQLite (WithDatabase)")]
    public async Task ExactlyOnceWithDatabase()
    {
        var group = NextGroup();
        var services = new ServiceCollection();
        services.AddDbContext<BookingDbContext>(o => o.UseSqlite(DatabaseConnection));
        services.AddTransactionalPipeline<PaymentReceived, BookPaymentsInDatabase>(group, options => Configure(options, group))
            .WithDatabase<BookingDbContext>(o => o.ProcessedEventRetention = null);
        await RunPipelineAsync(services, group);
    }
}
