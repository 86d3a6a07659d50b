using Microsoft.Extensions.Options;

namespace Outbox.Transactions.Internal.Database;

/// <summary>Fails start-up with every problem of a pipeline's database options, each naming the option.</summary>
internal sealed class PipelineDatabaseOptionsValidator : IValidateOptions<PipelineDatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineDatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ProcessedEventRetention is { } retention && retention <= TimeSpan.Zero)
        {
            failures.Add($"Transactional pipeline '{name}': ProcessedEventRetention must be positive or null, was {retention}.");
        }

        if (options.RetentionInterval <= TimeSpan.Zero)
        {
            failures.Add($"Transactional pipeline '{name}': RetentionInterval must be positive, was {options.RetentionInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
