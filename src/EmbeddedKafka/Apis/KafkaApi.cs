using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// One Kafka API: the version range advertised in ApiVersions and the handler. Subclasses are
/// found by reflection (public constructor taking a <see cref="Cluster"/>), so adding a file adds an API.
/// </summary>
internal abstract class KafkaApi
{
    public abstract ApiKey Key { get; }

    public abstract short MinVersion { get; }

    public abstract short MaxVersion { get; }

    /// <summary>Whether this version's response uses the flexible response header (v1).</summary>
    public virtual bool FlexibleResponseHeader(short version) => false;

    /// <summary>Whether this version's request uses the flexible request header (v2).</summary>
    public virtual bool FlexibleRequestHeader(short version) => false;

    /// <summary>Decodes, handles and answers one request; null means "send no response" (acks=0).</summary>
    public abstract ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}

/// <summary>An API with typed request and response bodies.</summary>
internal abstract class KafkaApi<TRequest, TResponse> : KafkaApi
    where TRequest : class, IKafkaMessage, new()
    where TResponse : class, IKafkaMessage
{
    // The generated message classes carry their first flexible version as a constant.
    private static readonly short FirstFlexibleVersion =
        (short)typeof(TRequest).GetField("FirstFlexibleVersion")!.GetValue(null)!;

    protected KafkaApi(Cluster cluster) => Cluster = cluster;

    protected Cluster Cluster { get; }

    public override bool FlexibleRequestHeader(short version) => version >= FirstFlexibleVersion;

    public override bool FlexibleResponseHeader(short version) => version >= FirstFlexibleVersion;

    public sealed override async ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Decode(body, context.Version);
        var fault = Cluster.Faults.Take(Key);
        if (fault is not null)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay, Cluster.Time, cancellationToken).ConfigureAwait(false);
            }

            if (fault.Error is { } early && !fault.AfterHandling)
            {
                return ErrorResponse(context, request, early);
            }
        }

        var response = await HandleAsync(context, request, cancellationToken).ConfigureAwait(false);
        if (fault is { Error: { } late, AfterHandling: true })
        {
            return ErrorResponse(context, request, late);
        }

        return response;
    }

    protected abstract ValueTask<TResponse?> HandleAsync(RequestContext context, TRequest request, CancellationToken cancellationToken);

    /// <summary>The answer that puts <paramref name="error"/> on everything the request asked about.</summary>
    protected abstract TResponse ErrorResponse(RequestContext context, TRequest request, ErrorCode error);

    private static TRequest Decode(ReadOnlyMemory<byte> body, short version)
    {
        var reader = new KafkaReader(body);
        var request = new TRequest();
        request.Read(ref reader, version);
        if (reader.Remaining != 0)
        {
            throw new KafkaProtocolException($"{typeof(TRequest).Name} v{version} left {reader.Remaining} bytes unread");
        }

        return request;
    }
}
