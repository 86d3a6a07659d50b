using DotNet.Testcontainers.Configurations;
using Outbox.EmbeddedKafka;
using Testcontainers.Kafka;
using Xunit;

namespace Outbox.Testing.Kafka;

/// <summary>
/// The Kafka a test class talks to, picked in order: <c>KAFKA_BOOTSTRAP_SERVERS</c> when set, a Testcontainers
/// Apache Kafka when a Docker engine answers, else an <see cref="EmbeddedKafkaBroker"/> in this process.
/// Share it with <c>IClassFixture&lt;KafkaFixture&gt;</c> or create one per test.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private KafkaContainer? _container;

    /// <summary>The bootstrap servers to give clients.</summary>
    public string BootstrapServers { get; private set; } = "";

    /// <summary>The in-process broker, when that is what the tests run against (fault injection needs it).</summary>
    public EmbeddedKafkaBroker? Embedded { get; private set; }

    /// <summary>Where the broker came from: external, testcontainers or embedded.</summary>
    public string Source { get; private set; } = "";

    /// <summary>Options for the embedded broker; set before <see cref="InitializeAsync"/>.</summary>
    public EmbeddedKafkaOptions EmbeddedOptions { get; init; } = new() { DefaultPartitions = 3 };

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(BootstrapServersVariable) is { Length: > 0 } external)
        {
            BootstrapServers = external;
            Source = "external";
            return;
        }

        if (DockerEngineAnswers())
        {
            try
            {
                _container = new KafkaBuilder("apache/kafka:3.9.1").Build();
                await _container.StartAsync(TestContext.Current.CancellationToken);
                BootstrapServers = _container.GetBootstrapAddress();
                Source = "testcontainers";
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TestContext.Current.SendDiagnosticMessage($"Testcontainers Kafka did not start ({e.Message}); using the embedded broker.");
                if (_container is not null)
                {
                    await _container.DisposeAsync();
                    _container = null;
                }
            }
        }

        Embedded = await EmbeddedKafkaBroker.StartAsync(EmbeddedOptions, cancellationToken: TestContext.Current.CancellationToken);
        BootstrapServers = Embedded.BootstrapServers;
        Source = "embedded";
    }

    /// <summary>The embedded broker, or a skip saying fault injection needs it.</summary>
    public EmbeddedKafkaBroker RequireEmbedded() =>
        Embedded ?? throw new InvalidOperationException(
            $"This test injects faults and needs the embedded broker; unset {BootstrapServersVariable} and run without Docker to use it.");

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
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
