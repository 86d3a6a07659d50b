using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Apis;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Network;

/// <summary>
/// One client connection. Requests are handled one at a time, so responses leave in request order,
/// as Apache Kafka does; a malformed frame or an unknown API closes the connection.
/// </summary>
internal sealed class ClientConnection(long id, Socket socket, Cluster cluster, ApiTable apis, FramePool frames) : IDisposable
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: true);
    private readonly string _clientHost = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString() ?? "unknown";
    private readonly KafkaWriter _response = new(64 * 1024);

    public long Id { get; } = id;

    public void Dispose() => Close();

    public void Close()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stream.Dispose();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var sizeBuffer = new byte[4];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await ReadExactlyAsync(sizeBuffer, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var size = BinaryPrimitives.ReadInt32BigEndian(sizeBuffer);
                if (size < 8 || size > cluster.Options.MaxRequestSize)
                {
                    Log.BadFrameSize(cluster.Logger, Id, size);
                    return;
                }

                var frame = RequestFrame.Rent(frames, size);
                try
                {
                    if (!await ReadExactlyAsync(frame.Memory, cancellationToken).ConfigureAwait(false)
                        || !await HandleAsync(frame, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                finally
                {
                    frame.Release();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the broker is stopping.
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Handles one frame; false closes the connection.</summary>
    private async Task<bool> HandleAsync(RequestFrame request, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> frame = request.Memory;
        var apiKey = BinaryPrimitives.ReadInt16BigEndian(frame.Span);
        var version = BinaryPrimitives.ReadInt16BigEndian(frame.Span[2..]);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Span[4..]);
        cluster.ObserveRequest(apiKey, version);
        var api = apis.Find(apiKey);
        if (api is null)
        {
            Log.UnknownApi(cluster.Logger, Id, apiKey);
            return false;
        }

        if (version < api.MinVersion || version > api.MaxVersion)
        {
            if (api is ApiVersionsApi versions && version > api.MaxVersion)
            {
                // KIP-511: answer in v0 with the supported versions so the client can retry lower.
                await SendAsync(correlationId, flexibleHeader: false, versions.UnsupportedVersionResponse(), 0, cancellationToken).ConfigureAwait(false);
                return true;
            }

            Log.UnsupportedVersion(cluster.Logger, Id, api.Key, version);
            return false;
        }

        IKafkaMessage? response;
        RequestContext? context = null;
        try
        {
            try
            {
                var (clientId, body) = ReadHeader(frame, api.FlexibleRequestHeader(version));
                context = new RequestContext(cluster, api.Key, version, correlationId, clientId, _clientHost, Id, request);
                response = await api.HandleAsync(context, body, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaProtocolException e)
            {
                Log.MalformedRequest(cluster.Logger, Id, api.Key, version, e.Message);
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.HandlerFailed(cluster.Logger, e, Id, api.Key, version);
                return false;
            }

            if (response is not null)
            {
                await SendAsync(correlationId, api.FlexibleResponseHeader(version), response, version, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            context?.ReleaseHeld();
        }

        return true;
    }

    private static (string? ClientId, ReadOnlyMemory<byte> Body) ReadHeader(ReadOnlyMemory<byte> frame, bool flexible)
    {
        var reader = new KafkaReader(frame);
        reader.Skip(8);
        var clientId = reader.ReadNullableString(compact: false);
        if (flexible)
        {
            var tags = reader.ReadUVarint();
            for (var i = 0u; i < tags; i++)
            {
                reader.ReadUVarint();
                reader.Skip(checked((int)reader.ReadUVarint()));
            }
        }

        return (clientId, frame[reader.Position..]);
    }

    private async Task SendAsync(int correlationId, bool flexibleHeader, IKafkaMessage body, short version, CancellationToken cancellationToken)
    {
        _response.Reset();
        var sizeAt = _response.ReserveInt32();
        _response.WriteInt32(correlationId);
        if (flexibleHeader)
        {
            _response.WriteUVarint(0);
        }

        body.Write(_response, version);
        _response.PatchInt32(sizeAt, _response.Length - 4);
        await _stream.WriteAsync(_response.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
