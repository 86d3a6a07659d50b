using System.Text.Json;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>A record as the scenario scripts print it (see recordOf in tests/node/lib/harness.mjs).</summary>
internal sealed record KafkaJsRecord(string Topic, int Partition, long Offset, string? Key, string? Value, IReadOnlyDictionary<string, string> Headers)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<KafkaJsRecord> ListFrom(JsonElement array) => array.Deserialize<List<KafkaJsRecord>>(Json)!;
}
