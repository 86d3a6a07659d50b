using Microsoft.Extensions.Options;

namespace Outbox.Internal;

/// <summary>Refuses options that cannot work, at start-up, naming the option and the allowed values.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var failures = new List<string>();
        if (options.LaneCount is < 1 or > 1024)
        {
            failures.Add($"OutboxOptions.LaneCount must be between 1 and 1024 (was {options.LaneCount}).");
        }

        // SQL Server accepts at most 2,100 parameters per statement; marking a batch binds one per row.
        if (options.BatchSize is < 1 or > 2000)
        {
            failures.Add($"OutboxOptions.BatchSize must be between 1 and 2000 (was {options.BatchSize}).");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add($"OutboxOptions.LeaseDuration must be at least 1 second (was {options.LeaseDuration}).");
        }

        Positive(failures, nameof(options.PollInterval), options.PollInterval);
        Positive(failures, nameof(options.MaxRetryDelay), options.MaxRetryDelay);
        Positive(failures, nameof(options.Retention), options.Retention);
        Positive(failures, nameof(options.CleanupInterval), options.CleanupInterval);
        Positive(failures, nameof(options.KafkaTimeout), options.KafkaTimeout);
        if (string.IsNullOrWhiteSpace(options.Source))
        {
            failures.Add("OutboxOptions.Source must name the producer, for example \"/orders-service\".");
        }

        if (string.IsNullOrWhiteSpace(options.TransactionalIdPrefix))
        {
            failures.Add("OutboxOptions.TransactionalIdPrefix must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.CheckpointTopic))
        {
            failures.Add("OutboxOptions.CheckpointTopic must not be empty.");
        }

        if (options.EnableRelay && string.IsNullOrWhiteSpace(options.Kafka.BootstrapServers))
        {
            failures.Add("OutboxOptions.Kafka.BootstrapServers must be set when the relay runs (or set EnableRelay = false).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.{option} must be positive (was {value}).");
        }
    }
}
