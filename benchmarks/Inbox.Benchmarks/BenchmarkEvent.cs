using Outbox.Messaging;

namespace Outbox.Inbox.Benchmarks;

/// <summary>The message of the end-to-end benchmarks; its id is the record's key.</summary>
[MessageType("bench.event")]
public sealed class BenchmarkEvent
{
    public required string Id { get; init; }
}
