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
/// <remarks>
/// The connection runs on a thread of its own with blocking socket calls: a request that its handler
/// answers at once (Produce, most Fetches) is read, handled and answered on that thread, without the
/// hop from the socket engine to a thread-pool worker that an awaited read costs. librdkafka keeps up
/// to five requests in flight and spins while it waits for an answer, so that latency costs the client
/// CPU as well. A handler that waits (a Fetch long poll, JoinGroup) completes elsewhere; the thread then
/// sleeps until it has, as Apache Kafka mutes a connection while one of its requests is in progress,
/// and holds no thread-pool thread meanwhile.
/// </remarks>
internal sealed class ClientConnection(long id, Socket socket, Cluster cluster, ApiTable apis, FramePool frames) : IDisposable
{
    private readonly string _clientHost = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString() ?? "unknown";
    // Record sets of 16 KiB and more (fetched batches) go out from where the log keeps them.
    private readonly KafkaWriter _response = new(64 * 1024, referenceRecordsFrom: 16 * 1024);
    private readonly List<ArraySegment<byte>> _segments = [];
    // A handler that did not answer at once waits for something else (a produce, a rebalance): no use spinning.
    private readonly ManualResetEventSlim _answered = new(initialState: false, spinCount: 0);

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

        socket.Dispose();
    }

    /// <summary>Starts the connection's thread; the task completes when the connection has closed.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            // An unexpected failure ends the connection and faults its task, as it would an awaited loop,
            // instead of escaping the thread and ending the process.
            try
            {
                Run(cancellationToken);
                closed.SetResult();
            }
            catch (Exception e)
            {
                closed.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"EmbeddedKafka connection {Id}",
        };
        thread.Start();
        return closed.Task;
    }

    private void Run(CancellationToken cancellationToken)
    {
        // A blocking receive ends when the socket is shut down.
        using var stopping = cancellationToken.Register(Close);
        Span<byte> sizeBuffer = stackalloc byte[4];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!ReadExactly(sizeBuffer))
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
                    if (!ReadExactly(frame.Memory.Span) || !Answer(frame, cancellationToken))
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
            _answered.Dispose();
        }
    }

    /// <summary>Handles one frame and writes its response; false closes the connection.</summary>
    private bool Answer(RequestFrame request, CancellationToken cancellationToken)
    {
        var handled = WaitFor(HandleAsync(request, cancellationToken));
        try
        {
            if (!handled.KeepOpen)
            {
                return false;
            }

            if (handled.Response is { } response)
            {
                Send(handled.CorrelationId, handled.FlexibleHeader, response, handled.Version);
            }

            return true;
        }
        finally
        {
            handled.Context?.ReleaseHeld();
        }
    }

    /// <summary>The handler's outcome; a handler that waits completes elsewhere while this thread sleeps.</summary>
    private HandledRequest WaitFor(ValueTask<HandledRequest> handling)
    {
        var awaiter = handling.ConfigureAwait(false).GetAwaiter();
        if (!awaiter.IsCompleted)
        {
            _answered.Reset();
            awaiter.UnsafeOnCompleted(_answered.Set);
            _answered.Wait(CancellationToken.None);
        }

        return awaiter.GetResult();
    }

    private async ValueTask<HandledRequest> HandleAsync(RequestFrame request, CancellationToken cancellationToken)
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
            return HandledRequest.Close;
        }

        if (version < api.MinVersion || version > api.MaxVersion)
        {
            if (api is ApiVersionsApi versions && version > api.MaxVersion)
            {
                // KIP-511: answer in v0 with the supported versions so the client can retry lower.
                return new HandledRequest(true, correlationId, false, versions.UnsupportedVersionResponse(), 0, null);
            }

            Log.UnsupportedVersion(cluster.Logger, Id, api.Key, version);
            return HandledRequest.Close;
        }

        RequestContext? context = null;
        try
        {
            var (clientId, body) = ReadHeader(frame, api.FlexibleRequestHeader(version));
            context = new RequestContext(cluster, api.Key, version, correlationId, clientId, _clientHost, Id, request);
            var response = await api.HandleAsync(context, body, cancellationToken).ConfigureAwait(false);
            return new HandledRequest(true, correlationId, api.FlexibleResponseHeader(version), response, version, context);
        }
        catch (Exception e)
        {
            // Without a response to write, nothing holds the request's frames any longer.
            context?.ReleaseHeld();
            if (e is OperationCanceledException)
            {
                throw;
            }

            if (e is KafkaProtocolException)
            {
                Log.MalformedRequest(cluster.Logger, Id, api.Key, version, e.Message);
            }
            else
            {
                Log.HandlerFailed(cluster.Logger, e, Id, api.Key, version);
            }

            return HandledRequest.Close;
        }
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

    private void Send(int correlationId, bool flexibleHeader, IKafkaMessage body, short version)
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
        _response.GetSegments(_segments);
        if (_segments.Count == 1)
        {
            ReadOnlySpan<byte> written = _segments[0];
            while (!written.IsEmpty)
            {
                written = written[socket.Send(written)..];
            }

            return;
        }

        for (var left = _response.Length; left > 0;)
        {
            var sent = socket.Send(_segments);
            left -= sent;
            DropSent(_segments, sent);
        }

        _segments.Clear();
    }

    private static void DropSent(List<ArraySegment<byte>> segments, int sent)
    {
        var whole = 0;
        while (whole < segments.Count && segments[whole].Count <= sent)
        {
            sent -= segments[whole].Count;
            whole++;
        }

        segments.RemoveRange(0, whole);
        if (sent > 0)
        {
            segments[0] = segments[0][sent..];
        }
    }

    private bool ReadExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = socket.Receive(buffer);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }

    /// <summary>What handling a request came to: its response (none for acks=0), or closing the connection.</summary>
    private readonly record struct HandledRequest(bool KeepOpen, int CorrelationId, bool FlexibleHeader, IKafkaMessage? Response, short Version, RequestContext? Context)
    {
        public static HandledRequest Close => new(false, 0, false, null, 0, null);
    }
}
