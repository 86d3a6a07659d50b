using Outbox.Messaging;

namespace Outbox.Transactions.Internal;

/// <summary>The validated options of one pipeline with every default resolved.</summary>
internal sealed record PipelineSettings
{
    public required string Name { get; init; }

    public required KafkaClientOptions Kafka { get; init; }

    public required IReadOnlyList<string> Topics { get; init; }

    public required string GroupId { get; init; }

    public required string InstanceId { get; init; }

    public required string DeadLetterTopic { get; init; }

    public required string Source { get; init; }

    public required TimeSpan CommitInterval { get; init; }

    public required int MaxBatchSize { get; init; }

    public required int MaxAttempts { get; init; }

    public required TimeSpan RetryBackoff { get; init; }

    public required TimeSpan TransactionTimeout { get; init; }

    public required TimeSpan OperationTimeout { get; init; }

    public string TransactionalId => $"{GroupId}-{InstanceId}";

    public static PipelineSettings From(string name, TransactionalPipelineOptions options)
    {
        var groupId = string.IsNullOrWhiteSpace(options.GroupId) ? name : options.GroupId;
        return new PipelineSettings
        {
            Name = name,
            Kafka = options.Kafka,
            Topics = [.. options.Topics],
            GroupId = groupId,
            InstanceId = string.IsNullOrWhiteSpace(options.InstanceId) ? Environment.MachineName : options.InstanceId,
            DeadLetterTopic = string.IsNullOrWhiteSpace(options.DeadLetterTopic) ? $"{groupId}.dlt" : options.DeadLetterTopic,
            Source = string.IsNullOrWhiteSpace(options.Source) ? $"/{name}" : options.Source,
            CommitInterval = options.CommitInterval,
            MaxBatchSize = options.MaxBatchSize,
            MaxAttempts = options.MaxAttempts,
            RetryBackoff = options.RetryBackoff,
            TransactionTimeout = options.TransactionTimeout,
            OperationTimeout = options.OperationTimeout,
        };
    }
}
