using Microsoft.EntityFrameworkCore;
using Outbox.Messaging;

namespace Outbox.Benchmarks;

[MessageType("bench.payload")]
public sealed record Payload(string Key, int Sequence, string Data);

public sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutbox();
}
