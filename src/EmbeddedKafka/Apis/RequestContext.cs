using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>What a handler knows about the request beyond its body.</summary>
internal sealed class RequestContext(Cluster cluster, ApiKey apiKey, short version, int correlationId, string? clientId, string clientHost, long connectionId)
{
    public Cluster Cluster { get; } = cluster;

    public ApiKey ApiKey { get; } = apiKey;

    public short Version { get; } = version;

    public int CorrelationId { get; } = correlationId;

    public string? ClientId { get; } = clientId;

    public string ClientHost { get; } = clientHost;

    public long ConnectionId { get; } = connectionId;
}
