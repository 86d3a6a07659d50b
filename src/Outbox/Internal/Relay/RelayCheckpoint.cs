using System.Text.Json;

namespace Outbox.Internal.Relay;

/// <summary>
/// The record a lane writes to the checkpoint topic inside each batch's Kafka transaction: the ids
/// of the rows in that batch and of earlier batches whose rows were not yet marked published. Ids,
/// not a high-water mark, because transactions commit out of id order and a lower id may still be
/// unpublished.
/// </summary>
internal static class RelayCheckpoint
{
    public static string KeyOf(int lane) => "lane-" + lane.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] Encode(IReadOnlyCollection<long> ids) =>
        JsonSerializer.SerializeToUtf8Bytes(ids.ToArray(), OutboxJsonContext.Default.Int64Array);

    public static long[] Decode(ReadOnlySpan<byte> value) =>
        value.IsEmpty ? [] : JsonSerializer.Deserialize(value, OutboxJsonContext.Default.Int64Array) ?? [];
}
