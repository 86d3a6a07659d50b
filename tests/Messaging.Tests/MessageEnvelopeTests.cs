using System.Text;
using Confluent.Kafka;

namespace Outbox.Messaging.Tests;

public sealed class MessageEnvelopeTests
{
    [Fact]
    public void Headers_follow_the_CloudEvents_Kafka_binding_and_read_back_unchanged()
    {
        var envelope = new MessageEnvelope
        {
            Id = Guid.CreateVersion7(),
            Type = "orders.order-placed",
            Source = "/orders",
            Time = new DateTimeOffset(2025, 1, 31, 12, 34, 56, 789, TimeSpan.FromHours(2)),
            ContentType = "application/json",
            Key = "order-42",
            CorrelationId = "corr-1",
            CausationId = "cause-1",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "vendor=1",
            Payload = "{}"u8.ToArray(),
        };

        var headers = envelope.ToKafkaHeaders();

        Assert.Equal("1.0", Text(headers, "ce_specversion"));
        Assert.Equal("2025-01-31T10:34:56.789Z", Text(headers, "ce_time"));
        Assert.Equal("order-42", Text(headers, "ce_partitionkey"));
        Assert.Equal("application/json", Text(headers, "content-type"));
        Assert.True(MessageEnvelope.TryRead(headers, envelope.Payload, out var read));
        Assert.Equal(envelope.Id, read.Id);
        Assert.Equal(envelope.Type, read.Type);
        Assert.Equal(envelope.Source, read.Source);
        Assert.Equal(envelope.Time, read.Time);
        Assert.Equal(envelope.Key, read.Key);
        Assert.Equal(envelope.CorrelationId, read.CorrelationId);
        Assert.Equal(envelope.CausationId, read.CausationId);
        Assert.Equal(envelope.TraceParent, read.TraceParent);
        Assert.Equal(envelope.TraceState, read.TraceState);
    }

    [Fact]
    public void Absent_optional_attributes_write_no_header()
    {
        var headers = new MessageEnvelope
        {
            Id = Guid.CreateVersion7(),
            Type = "t",
            Source = "/s",
            Time = DateTimeOffset.UnixEpoch,
            ContentType = "application/json",
            Payload = Array.Empty<byte>(),
        }.ToKafkaHeaders();

        Assert.DoesNotContain(headers, h => h.Key is "ce_correlationid" or "ce_causationid" or "traceparent" or "ce_partitionkey");
    }

    [Fact]
    public void A_record_without_an_id_is_not_an_envelope()
    {
        var headers = new Headers { { "ce_type", "t"u8.ToArray() } };

        Assert.False(MessageEnvelope.TryRead(headers, Array.Empty<byte>(), out _));
    }

    private static string Text(Headers headers, string name) => Encoding.UTF8.GetString(headers.GetLastBytes(name));
}
