using Microsoft.Extensions.Options;

namespace Outbox.Transactions.Internal;

/// <summary>Fails start-up with every problem of a pipeline's options, each naming the option.</summary>
internal sealed class TransactionalPipelineOptionsValidator : IValidateOptions<TransactionalPipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, TransactionalPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = $"Transactional pipeline '{name}':";
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Kafka.BootstrapServers))
        {
            failures.Add($"{prefix} Kafka.BootstrapServers is required.");
        }

        if (options.Topics.Count == 0 || options.Topics.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{prefix} Topics needs at least one input topic, and no empty names.");
        }

        var deadLetterTopic = string.IsNullOrWhiteSpace(options.DeadLetterTopic) ? $"{options.GroupId ?? name}.dlt" : options.DeadLetterTopic;
        if (options.Topics.Contains(deadLetterTopic))
        {
            failures.Add($"{prefix} DeadLetterTopic '{deadLetterTopic}' must not be one of the input Topics.");
        }

        if (options.CommitInterval <= TimeSpan.Zero)
        {
            failures.Add($"{prefix} CommitInterval must be positive, was {options.CommitInterval}.");
        }

        if (options.MaxBatchSize < 1)
        {
            failures.Add($"{prefix} MaxBatchSize must be at least 1, was {options.MaxBatchSize}.");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add($"{prefix} MaxAttempts must be at least 1, was {options.MaxAttempts}.");
        }

        if (options.RetryBackoff < TimeSpan.Zero)
        {
            failures.Add($"{prefix} RetryBackoff must not be negative, was {options.RetryBackoff}.");
        }

        if (options.OperationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix} OperationTimeout must be positive, was {options.OperationTimeout}.");
        }

        // A transaction must outlive the batch that fills it and its commit, or the coordinator aborts it under us.
        if (options.TransactionTimeout <= options.CommitInterval + options.OperationTimeout)
        {
            failures.Add($"{prefix} TransactionTimeout ({options.TransactionTimeout}) must be longer than CommitInterval plus OperationTimeout ({options.CommitInterval + options.OperationTimeout}).");
        }

        // Aborting on revocation rewinds every partition only because an eager rebalance revokes them all;
        // with cooperative assignment the kept partitions would continue after records the abort discarded.
        if (options.Kafka.Properties.TryGetValue("partition.assignment.strategy", out var strategy)
            && strategy.Contains("cooperative", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{prefix} partition.assignment.strategy '{strategy}' is not supported: use an eager strategy (range, roundrobin).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
