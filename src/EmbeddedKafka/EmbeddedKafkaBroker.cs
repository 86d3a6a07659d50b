using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outbox.EmbeddedKafka.Apis;
using Outbox.EmbeddedKafka.Network;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka;

/// <summary>
/// A single-node Kafka broker running in this process, speaking the Kafka wire protocol to
/// unmodified clients (Confluent.Kafka/librdkafka, KafkaJS) with Kafka's semantics for
/// idempotence, transactions, read_committed and consumer groups.
/// </summary>
/// <example>
/// <code>
/// await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 });
/// var config = new ProducerConfig { BootstrapServers = broker.BootstrapServers };
/// </code>
/// </example>
public sealed class EmbeddedKafkaBroker : IAsyncDisposable
{
    private readonly Cluster _cluster;
    private readonly KafkaListener _listener;
    private readonly BrokerBackgroundWork _background;
    private int _disposed;

    private EmbeddedKafkaBroker(Cluster cluster, KafkaListener listener)
    {
        _cluster = cluster;
        _listener = listener;
        _background = new BrokerBackgroundWork(cluster);
    }

    /// <summary>The host:port to give clients as bootstrap.servers.</summary>
    public string BootstrapServers => $"{_cluster.AdvertisedHost}:{_cluster.AdvertisedPort}";

    /// <summary>The host the broker listens on.</summary>
    public string Host => _cluster.AdvertisedHost;

    /// <summary>The port the broker listens on.</summary>
    public int Port => _cluster.AdvertisedPort;

    /// <summary>The broker's state, for tests that set up or inspect what no API reaches.</summary>
    internal Cluster Cluster => _cluster;

    /// <summary>Fault injection: failed or delayed requests, dropped or refused connections.</summary>
    public BrokerFaults Faults => _cluster.Faults;

    /// <summary>Starts a broker and returns once it accepts connections.</summary>
    /// <param name="options">Settings; null takes the defaults.</param>
    /// <param name="logger">Where the broker logs; null logs nothing.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<EmbeddedKafkaBroker> StartAsync(EmbeddedKafkaOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, TimeProvider.System, logger, cancellationToken);

    internal static async Task<EmbeddedKafkaBroker> StartAsync(EmbeddedKafkaOptions? options, TimeProvider time, ILogger? logger, CancellationToken cancellationToken)
    {
        options ??= new EmbeddedKafkaOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var cluster = new Cluster(options, time, logger ?? NullLogger.Instance);
        await cluster.OpenStorageAsync(cancellationToken).ConfigureAwait(false);
        KafkaListener listener;
        try
        {
            var apis = new ApiTable(cluster);
            cluster.Apis = apis;
            listener = new KafkaListener(cluster, apis);
        }
        catch
        {
            // A port already taken must not leave the data directory locked for the next attempt.
            await cluster.CloseStorageAsync().ConfigureAwait(false);
            throw;
        }

        cluster.AdvertisedHost = options.Host;
        cluster.AdvertisedPort = listener.Port;
        listener.Start();
        var broker = new EmbeddedKafkaBroker(cluster, listener);
        broker._background.Start();
        Log.Listening(cluster.Logger, cluster.AdvertisedHost, cluster.AdvertisedPort);
        return broker;
    }

    /// <summary>Stops listening, closes every connection and flushes the data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _listener.DisposeAsync().ConfigureAwait(false);
        await _background.DisposeAsync().ConfigureAwait(false);
        await _cluster.CloseStorageAsync().ConfigureAwait(false);
    }
}
