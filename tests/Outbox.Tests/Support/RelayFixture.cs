using Outbox.Testing.Kafka;

namespace Outbox.Tests.Support;

/// <summary>A database of one dialect and a broker, for one relay test class.</summary>
public sealed class RelayFixture<TDatabase> : IAsyncLifetime
    where TDatabase : OutboxDatabaseFixture, new()
{
    public TDatabase Database { get; } = new();

    public KafkaFixture Kafka { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        await Kafka.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Kafka.DisposeAsync();
        await Database.DisposeAsync();
    }
}
