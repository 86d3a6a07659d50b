using Outbox.EmbeddedKafka.Network;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>What a handler knows about the request beyond its body.</summary>
internal sealed class RequestContext(Cluster cluster, ApiKey apiKey, short version, int correlationId, string? clientId, string clientHost, long connectionId, RequestFrame? frame = null)
{
    public Cluster Cluster { get; } = cluster;

    public ApiKey ApiKey { get; } = apiKey;

    public short Version { get; } = version;

    public int CorrelationId { get; } = correlationId;

    public string? ClientId { get; } = clientId;

    public string ClientHost { get; } = clientHost;

    public long ConnectionId { get; } = connectionId;

    /// <summary>The frame the request arrived in, so a stored batch can keep its bytes instead of a copy.</summary>
    public RequestFrame? Frame { get; } = frame;

    private List<RequestFrame>? _held;

    /// <summary>
    /// Keeps a frame whose bytes the response refers to (a stored batch returned by Fetch) until the
    /// response is written, even if retention drops the batch meanwhile. Called under Cluster.Sync,
    /// while the batch still holds the frame.
    /// </summary>
    public void HoldUntilSent(RequestFrame held)
    {
        held.AddReference();
        (_held ??= []).Add(held);
    }

    /// <summary>Releases what <see cref="HoldUntilSent"/> kept; the connection calls it once the response is written or abandoned.</summary>
    public void ReleaseHeld()
    {
        if (_held is null)
        {
            return;
        }

        foreach (var held in _held)
        {
            held.Release();
        }

        _held = null;
    }
}
