using Microsoft.Extensions.Options;

namespace Outbox.Inbox.Internal;

/// <summary>Fails start-up with every invalid <see cref="InboxOptions"/> setting named.</summary>
internal sealed class InboxOptionsValidator : IValidateOptions<InboxOptions>
{
    public ValidateOptionsResult Validate(string? name, InboxOptions options)
    {
        var failures = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add(message);
            }
        }

        Require(!string.IsNullOrWhiteSpace(options.ConsumerGroup), "InboxOptions.ConsumerGroup is required.");
        Require(!string.IsNullOrWhiteSpace(options.Kafka.BootstrapServers), "InboxOptions.Kafka.BootstrapServers is required.");
        Require(options.Subscriptions.Count > 0, "InboxOptions has no subscriptions: call Subscribe(topic).");
        foreach (var duplicate in options.Subscriptions.GroupBy(s => s.Topic, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"InboxOptions subscribes to topic '{duplicate.Key}' more than once.");
        }

        foreach (var subscription in options.Subscriptions)
        {
            Require(!subscription.Topic.EndsWith(options.DeadLetterTopicSuffix, StringComparison.Ordinal) || options.DeadLetterTopicSuffix.Length == 0,
                $"InboxOptions subscribes to '{subscription.Topic}', which is a dead-letter topic; requeue its records with InboxOperations instead.");
        }

        Require(options.ConsumersPerHost is >= 1 and <= 256, $"InboxOptions.ConsumersPerHost must be 1-256, was {options.ConsumersPerHost}.");
        Require(options.MaxDegreeOfParallelism is >= 1 and <= 4096, $"InboxOptions.MaxDegreeOfParallelism must be 1-4096, was {options.MaxDegreeOfParallelism}.");
        Require(options.MaxBufferedRecordsPerPartition >= 2, $"InboxOptions.MaxBufferedRecordsPerPartition must be at least 2, was {options.MaxBufferedRecordsPerPartition}.");
        Require(options.MaxBufferedBytesPerPartition >= 2, $"InboxOptions.MaxBufferedBytesPerPartition must be at least 2, was {options.MaxBufferedBytesPerPartition}.");
        Require(options.MaxAttempts is >= 1 and <= 100, $"InboxOptions.MaxAttempts must be 1-100, was {options.MaxAttempts}.");
        Require(options.RetryBackoff >= TimeSpan.Zero, "InboxOptions.RetryBackoff must not be negative.");
        Require(options.MaxRetryBackoff >= options.RetryBackoff, "InboxOptions.MaxRetryBackoff must be at least RetryBackoff.");
        Require(!string.IsNullOrWhiteSpace(options.DeadLetterTopicSuffix), "InboxOptions.DeadLetterTopicSuffix must not be empty.");
        Require(Enum.IsDefined(options.MissingEventId), $"InboxOptions.MissingEventId has an unknown value {options.MissingEventId}.");
        Require(options.CommitInterval > TimeSpan.Zero, "InboxOptions.CommitInterval must be positive.");
        Require(options.RevocationTimeout > TimeSpan.Zero, "InboxOptions.RevocationTimeout must be positive.");
        Require(options.ShutdownTimeout > TimeSpan.Zero, "InboxOptions.ShutdownTimeout must be positive.");
        Require(options.ProcessedEventRetention is null || options.ProcessedEventRetention > TimeSpan.Zero, "InboxOptions.ProcessedEventRetention must be positive or null.");
        Require(options.RetentionInterval > TimeSpan.Zero, "InboxOptions.RetentionInterval must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
