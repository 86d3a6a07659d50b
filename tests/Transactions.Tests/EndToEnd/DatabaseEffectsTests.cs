using System.Globalization;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;
using Outbox.Transactions.PipelineHost;
using Outbox.Transactions.Tests.Support;
using ApiKey = Outbox.EmbeddedKafka.Protocol.ApiKey;
using BrokerErrorCode = Outbox.EmbeddedKafka.Protocol.ErrorCode;

namespace Outbox.Transactions.Tests.EndToEnd;

/// <summary>
/// A pipeline with database effects (<c>WithDatabase</c>): each input's effect in the database exactly once and its
/// output in Kafka exactly once, when Kafka transactions fail after the database transactions of their records committed.
/// </summary>
public sealed class DatabaseEffectsTests
{
    private const int Inputs = 300;

    [Theory]
    [InlineData("sqlite", "abort")]
    [InlineData("sqlite", "fenced")]
    [InlineData("postgres", "abort")]
    [InlineData("postgres", "fenced")]
    public async Task Kafka_transactions_that_fail_after_the_database_commits_leave_one_database_effect_and_one_output_per_input(string provider, string failure)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await EnrichmentDatabase.CreateAsync(provider);
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, $"db-{failure}-{provider}");
        await kafka.CreateTopicsAsync();
        kafka.ProduceInputs(Inputs, keys: 20);
        using var replays = new ReplayCounter(kafka.GroupId);

        // Every record of a batch has committed its database transaction before the batch's Kafka commit is tried, so
        // each failure below leaves database effects whose outputs and offsets are thrown away. "abort": the offsets
        // are refused (the generation check of KIP-447), the transaction aborts and the consumer rewinds. "fenced": the
        // commit is refused as from a fenced producer, which is rebuilt, and its InitTransactions aborts the transaction.
        if (failure == "abort")
        {
            broker.Faults.FailNext(ApiKey.TxnOffsetCommit, BrokerErrorCode.IllegalGeneration, count: 3);
        }
        else
        {
            broker.Faults.FailNext(ApiKey.EndTxn, BrokerErrorCode.ProducerFenced, count: 2);
        }

        await using (await PipelineInstance.StartAsync(services =>
            services.AddEnrichmentPipelineWithDatabase(broker.BootstrapServers, kafka.GroupId, "a", provider, database.ConnectionString)))
        {
            await kafka.WaitForCommittedAsync(Inputs, TimeSpan.FromSeconds(120), ct);
        }

        Assert.True(replays.Replays > 0, "No input was redelivered after its database effects committed: the failure did not hit.");
        kafka.AssertExactlyOnceInKeyOrder();
        await database.AssertEffectsExactlyOnceAsync(kafka, kafka.GroupId);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_handler_that_throws_leaves_no_database_effect_and_its_record_is_dead_lettered(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await EnrichmentDatabase.CreateAsync(provider);
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = PipelineKafka.Partitions }, cancellationToken: ct);
        var kafka = new PipelineKafka(broker.BootstrapServers, $"db-poison-{provider}");
        await kafka.CreateTopicsAsync();
        kafka.ProduceInputs(200, keys: 10, poison: i => i == 77);
        var poison = kafka.Inputs.Single(i => i.Value.Poison);

        await using (await PipelineInstance.StartAsync(services =>
            services.AddEnrichmentPipelineWithDatabase(broker.BootstrapServers, kafka.GroupId, "a", provider, database.ConnectionString)))
        {
            await kafka.WaitForCommittedAsync(200, TimeSpan.FromSeconds(60), ct);
        }

        // The handler saved its row and counted the key before it threw, on each of its two attempts: both rolled back.
        kafka.AssertExactlyOnceInKeyOrder();
        await database.AssertEffectsExactlyOnceAsync(kafka, kafka.GroupId);
        var dead = Assert.Single(kafka.ReadCommitted(kafka.DeadLetterTopic, 1));
        Assert.Equal(poison.Key.ToString(), InputRecords.Header(dead.Message.Headers, MessageHeaders.Id));
        Assert.Equal("handler-failed", InputRecords.Header(dead.Message.Headers, DeadLetterHeaders.Reason));
        Assert.Equal("2", InputRecords.Header(dead.Message.Headers, DeadLetterHeaders.Attempts));
        Assert.Equal($"Order {poison.Value.Key}/{poison.Value.Sequence} is poison.", InputRecords.Header(dead.Message.Headers, DeadLetterHeaders.ExceptionMessage));
        Assert.True(long.TryParse(InputRecords.Header(dead.Message.Headers, DeadLetterHeaders.OriginalOffset), NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }
}
