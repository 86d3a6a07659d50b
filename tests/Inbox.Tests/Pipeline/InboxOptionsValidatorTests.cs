using Outbox.Inbox.Internal;
using Xunit;

namespace Outbox.Inbox.Tests.Pipeline;

public sealed class InboxOptionsValidatorTests
{
    [Fact]
    public void Valid_options_pass()
    {
        var options = new InboxOptions { ConsumerGroup = "g" };
        options.Kafka.BootstrapServers = "localhost:9092";
        options.Subscribe("orders");
        Assert.True(new InboxOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_invalid_setting_is_named()
    {
        var options = new InboxOptions
        {
            MaxDegreeOfParallelism = 0, ConsumersPerHost = 0, MaxAttempts = 0, CommitInterval = TimeSpan.Zero, MaxBufferedRecordsPerPartition = 1,
            MaxBufferedBytesPerPartition = 0,
        };
        options.Subscribe("orders").Subscribe("orders").Subscribe("orders.dlt");

        var result = new InboxOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = string.Join("\n", result.Failures!);
        foreach (var expected in new[]
                 {
                     "ConsumerGroup is required", "Kafka.BootstrapServers is required", "topic 'orders' more than once", "'orders.dlt', which is a dead-letter topic",
                     "ConsumersPerHost must be 1-256, was 0", "MaxDegreeOfParallelism must be 1-4096, was 0", "MaxAttempts must be 1-100, was 0", "CommitInterval must be positive",
                     "MaxBufferedRecordsPerPartition must be at least 2, was 1", "MaxBufferedBytesPerPartition must be at least 2, was 0",
                 })
        {
            Assert.Contains(expected, failures);
        }
    }

    [Fact]
    public void No_subscription_is_named()
    {
        var options = new InboxOptions { ConsumerGroup = "g" };
        options.Kafka.BootstrapServers = "localhost:9092";
        Assert.Contains("no subscriptions", string.Join("\n", new InboxOptionsValidator().Validate(null, options).Failures!));
    }
}
