using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// AddPartitionsToTxn (key 24), v0-1 (librdkafka sends only v0).
/// <list type="bullet">
/// <item>Adds partitions to the transactional id's transaction, starting it if none is open.</item>
/// <item>All or nothing: an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION, the rest OPERATION_NOT_ATTEMPTED.</item>
/// <item>Unknown transactional id or producer id: INVALID_PRODUCER_ID_MAPPING; stale epoch: INVALID_PRODUCER_EPOCH
/// (PRODUCER_FENCED only exists from v2).</item>
/// </list>
/// </summary>
internal sealed class AddPartitionsToTxnApi(Cluster cluster) : KafkaApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(cluster)
{
    public override ApiKey Key => ApiKey.AddPartitionsToTxn;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    protected override ValueTask<AddPartitionsToTxnResponse?> HandleAsync(RequestContext context, AddPartitionsToTxnRequest request, CancellationToken cancellationToken)
    {
        var partitions = request.V3AndBelowTopics.SelectMany(t => t.Partitions.Select(p => (t.Name, p))).ToList();
        var errors = Cluster.Transactions.AddPartitions(request.V3AndBelowTransactionalId, request.V3AndBelowProducerId, request.V3AndBelowProducerEpoch, partitions);
        var byPartition = new Dictionary<(string, int), ErrorCode>();
        for (var i = 0; i < partitions.Count; i++)
        {
            byPartition[partitions[i]] = ForVersion(errors[i]);
        }

        return ValueTask.FromResult<AddPartitionsToTxnResponse?>(Respond(request, (topic, partition) => byPartition[(topic, partition)]));
    }

    protected override AddPartitionsToTxnResponse ErrorResponse(RequestContext context, AddPartitionsToTxnRequest request, ErrorCode error) =>
        Respond(request, (_, _) => error);

    // The request's versions predate PRODUCER_FENCED; Apache Kafka answers them with INVALID_PRODUCER_EPOCH.
    private static ErrorCode ForVersion(ErrorCode error) => error == ErrorCode.ProducerFenced ? ErrorCode.InvalidProducerEpoch : error;

    private static AddPartitionsToTxnResponse Respond(AddPartitionsToTxnRequest request, Func<string, int, ErrorCode> error) => new()
    {
        ResultsByTopicV3AndBelow = [.. request.V3AndBelowTopics.Select(t => new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
        {
            Name = t.Name,
            ResultsByPartition = [.. t.Partitions.Select(p => new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult
            {
                PartitionIndex = p, PartitionErrorCode = (short)error(t.Name, p),
            })],
        })],
    };
}
