using System.Buffers.Binary;
using System.Net.Sockets;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>
/// A bare Kafka connection for tests that send what no real client would: frames written byte by
/// byte or from generated request bodies, and responses read back raw or decoded.
/// </summary>
internal sealed class RawKafkaClient : IDisposable, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly string _clientId;
    private int _nextCorrelationId;

    private RawKafkaClient(Socket socket, string clientId)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _clientId = clientId;
    }

    public static Task<RawKafkaClient> ConnectAsync(EmbeddedKafkaBroker broker, CancellationToken cancellationToken) =>
        ConnectAsync(broker, "raw-client", cancellationToken);

    public static async Task<RawKafkaClient> ConnectAsync(EmbeddedKafkaBroker broker, string clientId, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(broker.Host, broker.Port, cancellationToken);
        return new RawKafkaClient(socket, clientId);
    }

    /// <summary>Whether a message type uses the flexible header and encoding at a version.</summary>
    public static bool IsFlexible(Type messageType, short version) =>
        version >= (short)messageType.GetField("FirstFlexibleVersion")!.GetValue(null)!;

    /// <summary>A request header (v1, or v2 when flexible) followed by <paramref name="body"/>.</summary>
    public static byte[] Request(short apiKey, short version, int correlationId, bool flexibleHeader, ReadOnlySpan<byte> body) =>
        Request(apiKey, version, correlationId, flexibleHeader, body, "raw-client");

    private static byte[] Request(short apiKey, short version, int correlationId, bool flexibleHeader, ReadOnlySpan<byte> body, string clientId)
    {
        var writer = new KafkaWriter();
        writer.WriteInt16(apiKey);
        writer.WriteInt16(version);
        writer.WriteInt32(correlationId);
        writer.WriteNullableString(clientId, compact: false);
        if (flexibleHeader)
        {
            writer.WriteUVarint(0);
        }

        writer.WriteRaw(body);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Encode(IKafkaMessage message, short version)
    {
        var writer = new KafkaWriter();
        message.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Writes raw bytes, size prefix included if the caller wants one.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        await _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Writes one size-prefixed frame.</summary>
    public async Task WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, frame.Length);
        await _stream.WriteAsync(size, cancellationToken);
        await _stream.WriteAsync(frame, cancellationToken);
    }

    /// <summary>Sends a request with a generated body; returns its correlation id.</summary>
    public async Task<int> SendAsync(ApiKey apiKey, short version, IKafkaMessage body, CancellationToken cancellationToken)
    {
        var correlationId = ++_nextCorrelationId;
        var flexible = apiKey != ApiKey.ApiVersions && IsFlexible(body.GetType(), version)
            || apiKey == ApiKey.ApiVersions && version >= 3;
        await WriteFrameAsync(Request((short)apiKey, version, correlationId, flexible, Encode(body, version), _clientId), cancellationToken);
        return correlationId;
    }

    /// <summary>Sends a request and decodes its response; the response header is v1 for flexible versions, except ApiVersions.</summary>
    public async Task<TResponse> RequestAsync<TResponse>(ApiKey apiKey, short version, IKafkaMessage body, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new()
    {
        var correlationId = await SendAsync(apiKey, version, body, cancellationToken);
        var frame = await ReadFrameAsync(TimeSpan.FromSeconds(10), cancellationToken)
            ?? throw new InvalidOperationException($"the broker closed the connection instead of answering {apiKey} v{version}");
        return Decode<TResponse>(frame, correlationId, version, flexibleHeader: apiKey != ApiKey.ApiVersions && IsFlexible(typeof(TResponse), version));
    }

    /// <summary>Sends a generated request (its type names the API) and decodes the response.</summary>
    public Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short version, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new() =>
        RequestAsync<TResponse>((ApiKey)(short)request.GetType().GetField("ApiKey")!.GetRawConstantValue()!, version, request, cancellationToken);

    public static TResponse Decode<TResponse>(byte[] frame, int correlationId, short version, bool flexibleHeader)
        where TResponse : IKafkaMessage, new()
    {
        var reader = new KafkaReader(frame);
        var answered = reader.ReadInt32();
        if (answered != correlationId)
        {
            throw new InvalidOperationException($"expected correlation id {correlationId}, got {answered}");
        }

        if (flexibleHeader)
        {
            var tags = reader.ReadUVarint();
            for (var i = 0u; i < tags; i++)
            {
                reader.ReadUVarint();
                reader.Skip((int)reader.ReadUVarint());
            }
        }

        var response = new TResponse();
        response.Read(ref reader, version);
        return response;
    }

    /// <summary>The next response frame without its size, or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var size = new byte[4];
            if (!await ReadExactlyAsync(size, deadline.Token))
            {
                return null;
            }

            var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
            return await ReadExactlyAsync(frame, deadline.Token) ? frame : null;
        }
        catch (IOException)
        {
            return null; // reset by the broker
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no response and no close within {timeout}");
        }
    }

    /// <summary>True when the broker closes the connection within the timeout without sending anything.</summary>
    public async Task<bool> IsClosedByBrokerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadFrameAsync(timeout, cancellationToken) is null;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Stops sending, as a client that dies half-way through a frame.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public void Dispose() => _stream.Dispose();

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[read..], cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
