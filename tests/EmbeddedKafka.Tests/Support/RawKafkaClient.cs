using System.Buffers.Binary;
using System.Net.Sockets;
using System.Reflection;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>
/// A minimal Kafka client for protocol-level tests: frames one generated request at a time over a TCP
/// connection and decodes the response. One request in flight, as a real client's group connection.
/// </summary>
internal sealed class RawKafkaClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly string _clientId;
    private int _correlationId;

    private RawKafkaClient(TcpClient tcp, string clientId)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _clientId = clientId;
    }

    public static async Task<RawKafkaClient> ConnectAsync(EmbeddedKafkaBroker broker, string clientId, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(broker.Host, broker.Port, cancellationToken);
        return new RawKafkaClient(tcp, clientId);
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> and reads the response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short version, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new()
    {
        var apiKey = Constant(request.GetType(), "ApiKey");
        var flexibleRequest = version >= Constant(request.GetType(), "FirstFlexibleVersion");
        var flexibleResponse = version >= Constant(typeof(TResponse), "FirstFlexibleVersion");
        var correlationId = ++_correlationId;

        var writer = new KafkaWriter();
        var sizeAt = writer.ReserveInt32();
        writer.WriteInt16(apiKey);
        writer.WriteInt16(version);
        writer.WriteInt32(correlationId);
        writer.WriteNullableString(_clientId, compact: false);
        if (flexibleRequest)
        {
            writer.WriteUVarint(0);
        }

        request.Write(writer, version);
        writer.PatchInt32(sizeAt, writer.Length - 4);
        await _stream.WriteAsync(writer.WrittenMemory, cancellationToken);

        var size = new byte[4];
        await _stream.ReadExactlyAsync(size, cancellationToken);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await _stream.ReadExactlyAsync(frame, cancellationToken);
        return Decode<TResponse>(frame, version, correlationId, flexibleResponse);
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TResponse Decode<TResponse>(byte[] frame, short version, int correlationId, bool flexible)
        where TResponse : IKafkaMessage, new()
    {
        var reader = new KafkaReader(frame);
        var received = reader.ReadInt32();
        if (received != correlationId)
        {
            throw new InvalidOperationException($"Expected correlation id {correlationId}, got {received}");
        }

        if (flexible)
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

    private static short Constant(Type type, string name) =>
        (short)type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;
}
