using System.Text;
using Microsoft.Extensions.Hosting;
using Outbox.EmbeddedKafka;
using Outbox.Messaging;
using Outbox.Testing.Kafka;
using Xunit;

namespace Outbox.ClaimCheck.Tests.EndToEnd;

/// <summary>The claim check wired into the outbox relay, the Inbox and a transactional pipeline, against the embedded broker and SQLite or PostgreSQL.</summary>
public sealed class ClaimCheckEndToEndTests
{
    private const int FiveMiB = 5 * 1024 * 1024;
    private const int Threshold = 64 * 1024;

    public static TheoryData<string> Databases => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_5_MiB_event_goes_from_the_outbox_through_the_topic_to_the_inbox_handler_intact_while_the_record_stays_small(string database)
    {
        await using var broker = await StartBrokerAsync();
        await using var application = await ShopApplication.CreateAsync(broker.BootstrapServers, database);
        var document = new DocumentAttached("big", Content(FiveMiB));

        using (var host = await application.StartAsync(ShopParts.Relay | ShopParts.Inbox, Threshold))
        {
            await ShopApplication.AddAsync(host, document);
            await application.WaitForAsync("big");
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(document.Content, application.Received.Contents["big"]);
        var record = Assert.Single(await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, ShopApplication.Topic, 1));
        AssertClaimChecked(record);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_5_MiB_event_goes_through_a_transactional_pipeline_whose_output_is_claim_checked_too(string database)
    {
        await using var broker = await StartBrokerAsync();
        await using var application = await ShopApplication.CreateAsync(broker.BootstrapServers, database);
        var document = new DocumentAttached("big", Content(FiveMiB));

        using (var host = await application.StartAsync(ShopParts.Relay | ShopParts.Pipeline | ShopParts.Inbox, Threshold))
        {
            await ShopApplication.AddAsync(host, document);
            await application.WaitForAsync("big");
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(document.Content, application.Received.Contents["big"]);
        AssertClaimChecked(Assert.Single(await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, ShopApplication.Topic, 1)));
        AssertClaimChecked(Assert.Single(await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, ArchivingHandler.OutputTopic, 1)));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_payload_of_exactly_the_threshold_travels_inline_and_one_byte_more_is_claim_checked(string database)
    {
        await using var broker = await StartBrokerAsync();
        await using var application = await ShopApplication.CreateAsync(broker.BootstrapServers, database);
        var atThreshold = new DocumentAttached("d1", Content(10_000));
        var overThreshold = new DocumentAttached("d2", Content(10_001));
        var threshold = new JsonMessageSerializer().Serialize(atThreshold, typeof(DocumentAttached)).Length;

        using (var host = await application.StartAsync(ShopParts.Relay | ShopParts.Inbox, threshold))
        {
            await ShopApplication.AddAsync(host, atThreshold, overThreshold);
            await application.WaitForAsync("d1", "d2");
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(atThreshold.Content, application.Received.Contents["d1"]);
        Assert.Equal(overThreshold.Content, application.Received.Contents["d2"]);
        var records = (await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, ShopApplication.Topic, 2))
            .ToDictionary(r => Encoding.UTF8.GetString(r.Message.Key!));
        Assert.Null(TopicReader.Header(records["d1"], ClaimCheckHeaders.Reference));
        Assert.Equal(threshold, records["d1"].Message.Value!.Length);
        AssertClaimChecked(records["d2"]);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_deleted_and_a_tampered_blob_are_dead_lettered_by_the_inbox_with_their_reasons(string database)
    {
        await using var broker = await StartBrokerAsync();
        await using var application = await ShopApplication.CreateAsync(broker.BootstrapServers, database);
        var published = await PublishAndSpoilAsync(application, broker.BootstrapServers);

        using (var host = await application.StartAsync(ShopParts.Inbox, Threshold))
        {
            await application.WaitForAsync("intact");
            var deadLetters = (await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, ShopApplication.Topic + ".dlt", 2))
                .ToDictionary(r => Encoding.UTF8.GetString(r.Message.Key!), r => TopicReader.Header(r, DeadLetterHeaders.Reason));
            await host.StopAsync(TestContext.Current.CancellationToken);
            Assert.Equal($"The claim-checked payload {published["deleted"]:N} is missing from store 'fs' (deleted by retention, or never written).", deadLetters["deleted"]);
            Assert.Equal($"The claim-checked payload {published["tampered"]:N} does not match its reference (size or SHA-256 differs): it was altered.", deadLetters["tampered"]);
        }

        Assert.Equal(["intact"], application.Received.Contents.Keys);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_deleted_and_a_tampered_blob_are_dead_lettered_by_a_transactional_pipeline_with_their_reasons(string database)
    {
        await using var broker = await StartBrokerAsync();
        await using var application = await ShopApplication.CreateAsync(broker.BootstrapServers, database);
        var published = await PublishAndSpoilAsync(application, broker.BootstrapServers);

        using (var host = await application.StartAsync(ShopParts.Pipeline | ShopParts.Inbox, Threshold))
        {
            await application.WaitForAsync("intact");
            var deadLetters = (await TopicReader.ReadAtLeastAsync(broker.BootstrapServers, ShopApplication.PipelineDeadLetterTopic, 2))
                .ToDictionary(r => Encoding.UTF8.GetString(r.Message.Key!));
            await host.StopAsync(TestContext.Current.CancellationToken);
            Assert.Equal(
                $"claim-check-failed: The claim-checked payload {published["deleted"]:N} is missing from store 'fs' (deleted by retention, or never written).",
                TopicReader.Header(deadLetters["deleted"], DeadLetterHeaders.Reason));
            Assert.Equal(
                $"claim-check-failed: The claim-checked payload {published["tampered"]:N} does not match its reference (size or SHA-256 differs): it was altered.",
                TopicReader.Header(deadLetters["tampered"], DeadLetterHeaders.Reason));
            Assert.Equal("1", TopicReader.Header(deadLetters["deleted"], DeadLetterHeaders.Attempts));
            AssertClaimChecked(deadLetters["tampered"]);
        }

        Assert.Equal(["intact"], application.Received.Contents.Keys);
    }

    /// <summary>
    /// Publishes three large documents through the outbox, then deletes the blob of one and rewrites another's
    /// with different bytes of the same size; returns the event ids by document id.
    /// </summary>
    private static async Task<Dictionary<string, Guid>> PublishAndSpoilAsync(ShopApplication application, string bootstrapServers)
    {
        using (var relay = await application.StartAsync(ShopParts.Relay, Threshold))
        {
            await ShopApplication.AddAsync(relay, new("deleted", Content(Threshold * 2)), new("tampered", Content(Threshold * 2)), new("intact", Content(Threshold * 2)));
            await TopicReader.ReadAtLeastAsync(bootstrapServers, ShopApplication.Topic, 3);
            await relay.StopAsync(TestContext.Current.CancellationToken);
        }

        var published = (await TopicReader.ReadAtLeastAsync(bootstrapServers, ShopApplication.Topic, 3)).ToDictionary(
            r => Encoding.UTF8.GetString(r.Message.Key!),
            r => Guid.Parse(TopicReader.Header(r, MessageHeaders.Id)!));
        File.Delete(application.BlobOf(published["deleted"]));
        var tampered = application.BlobOf(published["tampered"]);
        var bytes = await File.ReadAllBytesAsync(tampered, TestContext.Current.CancellationToken);
        bytes[^2] ^= 1;
        await File.WriteAllBytesAsync(tampered, bytes, TestContext.Current.CancellationToken);
        return published;
    }

    private static void AssertClaimChecked(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> record)
    {
        var reference = TopicReader.Header(record, ClaimCheckHeaders.Reference);
        Assert.NotNull(reference);
        Assert.Equal(reference, Encoding.UTF8.GetString(record.Message.Value!));
        Assert.InRange(record.Message.Value!.Length, 1, 1024);
    }

    private static string Content(int length) => string.Create(length, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)('a' + (i % 26));
        }
    });

    private static Task<EmbeddedKafkaBroker> StartBrokerAsync() =>
        EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: TestContext.Current.CancellationToken);
}
