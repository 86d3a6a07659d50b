namespace Outbox.Messaging.Tests;

public sealed class JsonMessageSerializerTests
{
    private sealed record Placed(string OrderId, decimal Total);

    [Fact]
    public void A_message_round_trips_as_camel_case_json()
    {
        var serializer = new JsonMessageSerializer();

        var payload = serializer.Serialize(new Placed("o-1", 9.5m), typeof(Placed));

        Assert.Equal("""{"orderId":"o-1","total":9.5}""", System.Text.Encoding.UTF8.GetString(payload));
        Assert.Equal(new Placed("o-1", 9.5m), serializer.Deserialize(payload, typeof(Placed)));
    }
}
