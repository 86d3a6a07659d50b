namespace Outbox.Messaging.Tests;

public sealed class DeadLetterHeadersTests
{
    [Fact]
    public void Header_names_are_the_ones_operators_and_tools_rely_on()
    {
        // The names are a wire contract between the Inbox, Transactions and requeue tooling: never rename them.
        Assert.Equal("dlt-reason", DeadLetterHeaders.Reason);
        Assert.Equal("dlt-exception-type", DeadLetterHeaders.ExceptionType);
        Assert.Equal("dlt-exception-message", DeadLetterHeaders.ExceptionMessage);
        Assert.Equal("dlt-stack-trace", DeadLetterHeaders.StackTrace);
        Assert.Equal("dlt-original-topic", DeadLetterHeaders.OriginalTopic);
        Assert.Equal("dlt-original-partition", DeadLetterHeaders.OriginalPartition);
        Assert.Equal("dlt-original-offset", DeadLetterHeaders.OriginalOffset);
        Assert.Equal("dlt-original-timestamp", DeadLetterHeaders.OriginalTimestamp);
        Assert.Equal("dlt-consumer-group", DeadLetterHeaders.ConsumerGroup);
        Assert.Equal("dlt-attempts", DeadLetterHeaders.Attempts);
        Assert.Equal("dlt-failed-at", DeadLetterHeaders.FailedAt);
        Assert.Equal("dlt-blocked-by", DeadLetterHeaders.BlockedBy);
        Assert.All(
            typeof(DeadLetterHeaders).GetFields().Select(f => (string)f.GetRawConstantValue()!),
            name => Assert.StartsWith(DeadLetterHeaders.Prefix, name, StringComparison.Ordinal));
    }
}
