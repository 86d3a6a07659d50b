using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Internal.Pipeline.Deserialize;
using Outbox.Inbox.Tests.Support;
using Outbox.Messaging;
using Xunit;

namespace Outbox.Inbox.Tests.Pipeline;

public sealed class RecordDecoderTests
{
    private static readonly MessageTypeRegistry Registry = new MessageTypeRegistry().RegisterFromAssembly(typeof(OrderPlaced).Assembly);

    [Fact]
    public void A_record_with_a_registered_type_is_deserialized_into_that_class()
    {
        var id = Guid.CreateVersion7();
        var record = Records.At(3, "o-1", headers: Headers(id.ToString(), "shop.order-shipped"), value: """{"orderId":"o-1","carrier":"DHL"}"""u8.ToArray());
        var decoder = Decoder(MissingEventIdHandling.DeadLetter);

        Assert.True(decoder.TryReadEventId(record, out var eventId, out _));
        Assert.True(decoder.TryDecode(record, eventId, out var decoded, out _));

        Assert.Equal(id, decoded!.EventId);
        var shipped = Assert.IsType<OrderShipped>(decoded.Message);
        Assert.Equal(("o-1", "DHL"), (shipped.OrderId, shipped.Carrier));
    }

    [Fact]
    public void A_missing_event_id_is_a_dead_letter_reason_unless_ids_may_be_derived()
    {
        var record = Records.At(3, "o-1", topic: "orders", partition: 1, headers: Headers(null, "shop.order-placed"));

        Assert.False(Decoder(MissingEventIdHandling.DeadLetter).TryReadEventId(record, out _, out var failure));
        Assert.Equal("missing or invalid ce_id header: the header is absent", failure!.Description);

        Assert.True(Decoder(MissingEventIdHandling.DeriveFromPosition).TryReadEventId(record, out var derived, out _));
        Assert.Equal(derived, RecordDecoder.DeriveEventId("orders", 1, 3));
        Assert.NotEqual(derived, RecordDecoder.DeriveEventId("orders", 1, 4));
        Assert.NotEqual(derived, RecordDecoder.DeriveEventId("orders", 2, 3));
        Assert.Equal(8, derived.Version);
    }

    [Fact]
    public void An_event_id_that_is_not_a_uuid_is_named_in_the_reason()
    {
        var record = Records.At(3, "o-1", headers: Headers("not-a-uuid", "shop.order-placed"));
        Assert.False(Decoder(MissingEventIdHandling.DeadLetter).TryReadEventId(record, out _, out var failure));
        Assert.Equal("missing or invalid ce_id header: 'not-a-uuid' is not a UUID", failure!.Description);
    }

    [Fact]
    public void Unknown_types_missing_types_and_bad_json_are_dead_letter_reasons()
    {
        var decoder = Decoder(MissingEventIdHandling.DeadLetter);
        var id = Guid.CreateVersion7();

        Assert.False(decoder.TryDecode(Records.At(1, "k", headers: Headers(id.ToString(), "shop.unknown")), id, out _, out var unknown));
        Assert.Equal("unknown message type 'shop.unknown'", unknown!.Description);

        Assert.False(decoder.TryDecode(Records.At(1, "k", headers: Headers(id.ToString(), null)), id, out _, out var missing));
        Assert.Equal("missing ce_type header", missing!.Description);

        Assert.False(decoder.TryDecode(Records.At(1, "k", headers: Headers(id.ToString(), "shop.order-placed"), value: "{\"orderId\":"u8.ToArray()), id, out _, out var bad));
        Assert.Equal("payload could not be deserialized as 'shop.order-placed'", bad!.Description);
        Assert.IsType<System.Text.Json.JsonException>(bad.Exception);
    }

    private static RecordDecoder Decoder(MissingEventIdHandling missing) =>
        new(Registry, new JsonMessageSerializer(), Options.Create(new InboxOptions { MissingEventId = missing }));

    private static Headers Headers(string? id, string? type)
    {
        var headers = new Headers();
        if (id is not null)
        {
            headers.Add(MessageHeaders.Id, Encoding.UTF8.GetBytes(id));
        }

        if (type is not null)
        {
            headers.Add(MessageHeaders.Type, Encoding.UTF8.GetBytes(type));
        }

        return headers;
    }
}
