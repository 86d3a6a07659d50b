using Outbox.Transactions.Internal;

namespace Outbox.Transactions.Tests.Unit;

public sealed class TransactionalPipelineOptionsValidatorTests
{
    private static TransactionalPipelineOptions Valid()
    {
        var options = new TransactionalPipelineOptions();
        options.Kafka.BootstrapServers = "localhost:9092";
        options.Topics.Add("orders");
        return options;
    }

    [Fact]
    public void Defaults_with_servers_and_a_topic_are_valid()
    {
        Assert.True(new TransactionalPipelineOptionsValidator().Validate("p", Valid()).Succeeded);
    }

    [Fact]
    public void Every_problem_is_reported_naming_the_pipeline_and_the_option()
    {
        var options = new TransactionalPipelineOptions { MaxBatchSize = 0, MaxAttempts = 0, CommitInterval = TimeSpan.Zero, TransactionTimeout = TimeSpan.FromSeconds(1) };
        options.Kafka.Properties["partition.assignment.strategy"] = "cooperative-sticky";

        var result = new TransactionalPipelineOptionsValidator().Validate("orders-enricher", options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.All(failures, f => Assert.StartsWith("Transactional pipeline 'orders-enricher':", f, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Kafka.BootstrapServers", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Topics", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MaxBatchSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CommitInterval must be positive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("TransactionTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("cooperative-sticky", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dead_letter_topic_must_not_be_an_input()
    {
        var options = Valid();
        options.Topics.Add("p.dlt");

        var result = new TransactionalPipelineOptionsValidator().Validate("p", options);

        Assert.Contains(result.Failures!, f => f.Contains("DeadLetterTopic 'p.dlt'", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_resolve_defaults_from_the_pipeline_name()
    {
        var settings = PipelineSettings.From("enricher", Valid());

        Assert.Equal("enricher", settings.GroupId);
        Assert.Equal("enricher.dlt", settings.DeadLetterTopic);
        Assert.Equal("/enricher", settings.Source);
        Assert.Equal($"enricher-{Environment.MachineName}", settings.TransactionalId);
    }
}
