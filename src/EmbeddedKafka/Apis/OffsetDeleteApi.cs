using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// OffsetDelete (key 47), v0.
/// - Deletes a group's committed offsets for the given partitions.
/// - GROUP_SUBSCRIBED_TO_TOPIC for partitions of a topic an active member subscribes to (read from its
///   ConsumerProtocolSubscription metadata); GROUP_ID_NOT_FOUND for an unknown group; NON_EMPTY_GROUP for an
///   active group that does not use the consumer protocol.
/// </summary>
internal sealed class OffsetDeleteApi(Cluster cluster) : KafkaApi<OffsetDeleteRequest, OffsetDeleteResponse>(cluster)
{
    public override ApiKey Key => ApiKey.OffsetDelete;

    public override short MinVersion => 0;

    public override short MaxVersion => 0;

    protected override ValueTask<OffsetDeleteResponse?> HandleAsync(RequestContext context, OffsetDeleteRequest request, CancellationToken cancellationToken)
    {
        var partitions = request.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex))).ToList();
        var (error, results) = Cluster.Groups.DeleteOffsets(request.GroupId, partitions);
        if (error != ErrorCode.None)
        {
            return ValueTask.FromResult<OffsetDeleteResponse?>(new OffsetDeleteResponse { ErrorCode = (short)error });
        }

        var index = 0;
        return ValueTask.FromResult<OffsetDeleteResponse?>(new OffsetDeleteResponse
        {
            Topics = [.. request.Topics.Select(t => new OffsetDeleteResponse.OffsetDeleteResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(p => new OffsetDeleteResponse.OffsetDeleteResponsePartition
                {
                    PartitionIndex = p.PartitionIndex,
                    ErrorCode = (short)results[index++],
                })],
            })],
        });
    }

    protected override OffsetDeleteResponse ErrorResponse(RequestContext context, OffsetDeleteRequest request, ErrorCode error) =>
        new() { ErrorCode = (short)error };
}
