using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// DescribeCluster (key 60), v0: the cluster id, this node as the only broker and the controller.
/// librdkafka's DescribeCluster uses Metadata instead; Java-style admin clients use this.
/// </summary>
internal sealed class DescribeClusterApi(Cluster cluster) : KafkaApi<DescribeClusterRequest, DescribeClusterResponse>(cluster)
{
    public override ApiKey Key => ApiKey.DescribeCluster;

    public override short MinVersion => 0;

    public override short MaxVersion => 0;

    protected override ValueTask<DescribeClusterResponse?> HandleAsync(RequestContext context, DescribeClusterRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DescribeClusterResponse?>(new DescribeClusterResponse
        {
            ClusterId = Cluster.Options.ClusterId,
            ControllerId = Cluster.NodeId,
            Brokers = [new DescribeClusterResponse.DescribeClusterBroker { BrokerId = Cluster.NodeId, Host = Cluster.AdvertisedHost, Port = Cluster.AdvertisedPort }],
        });

    protected override DescribeClusterResponse ErrorResponse(RequestContext context, DescribeClusterRequest request, ErrorCode error) => new()
    {
        ErrorCode = (short)error,
        ClusterId = Cluster.Options.ClusterId,
        Brokers = [],
    };
}
