using System.Globalization;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;

namespace Outbox.Transactions.Tests.EndToEnd;

public sealed class PoisonRecordTests
{
    [Fact]
    public async Task A_record_that_keeps_failing_ends_in_the_dead_letter_topic_and_the_pipeline_continues()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, "poison");
        await kafka.CreateTopicsAsync();
        kafka.ProduceInputs(500, keys: 20, poison: i => i == 123);
        var poison = kafka.Inputs.Single(i => i.Value.Poison);

        await using (await PipelineInstance.StartAsync(services => services.AddEnrichmentPipeline(broker.BootstrapServers, kafka.GroupId, "a")))
        {
            await kafka.WaitForCommittedAsync(500, TimeSpan.FromSeconds(60), ct);
        }

        kafka.AssertExactlyOnceInKeyOrder();
        var dead = Assert.Single(kafka.ReadCommitted(kafka.DeadLetterTopic, 1));
        var headers = dead.Message.Headers;
        Assert.Equal(poison.Key.ToString(), InputRecords.Header(headers, MessageHeaders.Id));
        Assert.Equal("handler-failed", InputRecords.Header(headers, DeadLetterHeaders.Reason));
        Assert.Equal("2", InputRecords.Header(headers, DeadLetterHeaders.Attempts));
        Assert.Equal(typeof(InvalidOperationException).FullName, InputRecords.Header(headers, DeadLetterHeaders.ExceptionType));
        Assert.Equal($"Order {poison.Value.Key}/{poison.Value.Sequence} is poison.", InputRecords.Header(headers, DeadLetterHeaders.ExceptionMessage));
        Assert.Equal(EnrichmentPipeline.InputTopic, InputRecords.Header(headers, DeadLetterHeaders.OriginalTopic));
        Assert.Equal(kafka.GroupId, InputRecords.Header(headers, DeadLetterHeaders.ConsumerGroup));
        Assert.True(long.TryParse(InputRecords.Header(headers, DeadLetterHeaders.OriginalOffset), NumberStyles.None, CultureInfo.InvariantCulture, out _));
        Assert.Equal(poison.Value.Key, System.Text.Encoding.UTF8.GetString(dead.Message.Key));
    }
}
