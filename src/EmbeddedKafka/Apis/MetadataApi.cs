using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// Metadata (key 3), v0-8: this node as the only broker, controller and leader of every partition
/// (leader epoch 0). A null topic list (v1+) means all topics; an empty list (v0) too. Unknown topics
/// are created when the broker allows auto-creation and the request does (v4+: AllowAutoTopicCreation).
/// </summary>
internal sealed class MetadataApi(Cluster cluster) : KafkaApi<MetadataRequest, MetadataResponse>(cluster)
{
    public override ApiKey Key => ApiKey.Metadata;

    public override short MinVersion => 0;

    public override short MaxVersion => 8;

    protected override ValueTask<MetadataResponse?> HandleAsync(RequestContext context, MetadataRequest request, CancellationToken cancellationToken)
    {
        var response = Skeleton();
        lock (Cluster.Sync)
        {
            var all = request.Topics is null || (context.Version == 0 && request.Topics.Count == 0);
            if (all)
            {
                foreach (var topic in Cluster.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                {
                    response.Topics.Add(Describe(topic));
                }
            }
            else
            {
                var autoCreate = context.Version < 4 || request.AllowAutoTopicCreation;
                foreach (var requested in request.Topics!)
                {
                    var name = requested.Name ?? "";
                    var invalid = TopicName.Validate(name);
                    var topic = invalid == ErrorCode.None ? Cluster.FindOrAutoCreate(name, autoCreate) : null;
                    response.Topics.Add(topic is not null
                        ? Describe(topic)
                        : new MetadataResponse.MetadataResponseTopic
                        {
                            Name = name,
                            ErrorCode = (short)(invalid != ErrorCode.None ? invalid : ErrorCode.UnknownTopicOrPartition),
                        });
                }
            }
        }

        return ValueTask.FromResult<MetadataResponse?>(response);
    }

    protected override MetadataResponse ErrorResponse(RequestContext context, MetadataRequest request, ErrorCode error)
    {
        var response = Skeleton();
        foreach (var topic in request.Topics ?? [])
        {
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic { Name = topic.Name ?? "", ErrorCode = (short)error });
        }

        return response;
    }

    private MetadataResponse Skeleton() => new()
    {
        Brokers = [new MetadataResponse.MetadataResponseBroker { NodeId = Cluster.NodeId, Host = Cluster.AdvertisedHost, Port = Cluster.AdvertisedPort, Rack = null }],
        ClusterId = Cluster.Options.ClusterId,
        ControllerId = Cluster.NodeId,
        Topics = [],
    };

    private MetadataResponse.MetadataResponseTopic Describe(Topic topic) => new()
    {
        Name = topic.Name,
        TopicId = topic.Id,
        IsInternal = topic.IsInternal,
        Partitions = [.. topic.Partitions.Select(p => new MetadataResponse.MetadataResponsePartition
        {
            PartitionIndex = p.Partition,
            LeaderId = Cluster.NodeId,
            LeaderEpoch = 0,
            ReplicaNodes = [Cluster.NodeId],
            IsrNodes = [Cluster.NodeId],
            OfflineReplicas = [],
        })],
    };
}
