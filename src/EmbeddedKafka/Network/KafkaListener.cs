using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Outbox.EmbeddedKafka.Apis;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Network;

/// <summary>Accepts client connections and runs each one until it closes or the broker stops.</summary>
internal sealed class KafkaListener : IAsyncDisposable
{
    private const int ReceiveBufferBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly Cluster _cluster;
    private readonly ApiTable _apis;
    private readonly FramePool _frames = new();
    private readonly ConcurrentDictionary<long, (ClientConnection Connection, Task Run)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _acceptLoop;
    private long _nextConnectionId;

    public KafkaListener(Cluster cluster, ApiTable apis)
    {
        _cluster = cluster;
        _apis = apis;
        var address = IPAddress.TryParse(cluster.Options.Host, out var ip)
            ? ip
            : Dns.GetHostAddresses(cluster.Options.Host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Bind(new IPEndPoint(address, cluster.Options.Port));
        _socket.Listen(512);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        cluster.Faults.CloseConnectionsRequested += CloseAll;
    }

    public int Port { get; }

    public void Start() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

    public void CloseAll()
    {
        foreach (var (connection, _) in _connections.Values)
        {
            connection.Close();
        }
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_cluster.Faults.RefusingConnections)
            {
                Log.ConnectionRefused(_cluster.Logger, client.RemoteEndPoint?.ToString() ?? "unknown");
                client.Close(0);
                continue;
            }

            client.NoDelay = true;

            // Room for a whole produce request of librdkafka's default 1 MB batch, so the client hands it over in one
            // write and sleeps instead of waking for every piece the connection drains from a smaller buffer.
            client.ReceiveBufferSize = ReceiveBufferBytes;
            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new ClientConnection(id, client, _cluster, _apis, _frames);
            var run = connection.RunAsync(cancellationToken);
            _connections[id] = (connection, run);
            _ = run.ContinueWith(_ => _connections.TryRemove(id, out var _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _cluster.Faults.CloseConnectionsRequested -= CloseAll;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        CloseAll();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_connections.Values.Select(c => c.Run)).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
