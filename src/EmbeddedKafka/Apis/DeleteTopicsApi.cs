using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// DeleteTopics (key 20), v0-3: removes topics by name with their records at once (Kafka does it
/// asynchronously; the client cannot tell). An unknown topic gets UNKNOWN_TOPIC_OR_PARTITION.
/// </summary>
internal sealed class DeleteTopicsApi(Cluster cluster) : KafkaApi<DeleteTopicsRequest, DeleteTopicsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.DeleteTopics;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    protected override ValueTask<DeleteTopicsResponse?> HandleAsync(RequestContext context, DeleteTopicsRequest request, CancellationToken cancellationToken)
    {
        var response = new DeleteTopicsResponse { Responses = [] };
        lock (Cluster.Sync)
        {
            foreach (var name in request.TopicNames)
            {
                var deleted = Cluster.DeleteTopic(name);
                if (deleted)
                {
                    Log.TopicDeleted(Cluster.Logger, name);
                }

                response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult
                {
                    Name = name,
                    ErrorCode = (short)(deleted ? ErrorCode.None : ErrorCode.UnknownTopicOrPartition),
                });
            }
        }

        return ValueTask.FromResult<DeleteTopicsResponse?>(response);
    }

    protected override DeleteTopicsResponse ErrorResponse(RequestContext context, DeleteTopicsRequest request, ErrorCode error) => new()
    {
        Responses = [.. request.TopicNames.Select(n => new DeleteTopicsResponse.DeletableTopicResult { Name = n, ErrorCode = (short)error })],
    };
}
