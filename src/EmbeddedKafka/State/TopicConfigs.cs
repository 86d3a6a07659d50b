using System.Globalization;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// The topic configs the broker knows, with Kafka's defaults (the broker's own limits where it has
/// them), their validation, and the effective values the broker honours: max.message.bytes,
/// retention.bytes and retention.ms. Other configs are stored and described but change nothing.
/// </summary>
internal static class TopicConfigs
{
    public const string CleanupPolicy = "cleanup.policy";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string RetentionBytes = "retention.bytes";
    public const string RetentionMs = "retention.ms";

    private enum Kind
    {
        Boolean,
        Int,
        Long,
        Double,
        String,
        List,
    }

    private static readonly (string Name, Kind Kind, string Default)[] Catalogue =
    [
        (CleanupPolicy, Kind.List, "delete"),
        ("compression.type", Kind.String, "producer"),
        ("delete.retention.ms", Kind.Long, "86400000"),
        ("file.delete.delay.ms", Kind.Long, "60000"),
        ("flush.messages", Kind.Long, "9223372036854775807"),
        ("flush.ms", Kind.Long, "9223372036854775807"),
        ("index.interval.bytes", Kind.Int, "4096"),
        ("local.retention.bytes", Kind.Long, "-2"),
        ("local.retention.ms", Kind.Long, "-2"),
        ("max.compaction.lag.ms", Kind.Long, "9223372036854775807"),
        (MaxMessageBytes, Kind.Int, ""),
        ("message.timestamp.after.max.ms", Kind.Long, "9223372036854775807"),
        ("message.timestamp.before.max.ms", Kind.Long, "9223372036854775807"),
        ("message.timestamp.type", Kind.String, "CreateTime"),
        ("min.cleanable.dirty.ratio", Kind.Double, "0.5"),
        ("min.compaction.lag.ms", Kind.Long, "0"),
        ("min.insync.replicas", Kind.Int, "1"),
        ("preallocate", Kind.Boolean, "false"),
        ("remote.storage.enable", Kind.Boolean, "false"),
        (RetentionBytes, Kind.Long, ""),
        (RetentionMs, Kind.Long, ""),
        ("segment.bytes", Kind.Int, "1073741824"),
        ("segment.index.bytes", Kind.Int, "10485760"),
        ("segment.jitter.ms", Kind.Long, "0"),
        ("segment.ms", Kind.Long, "604800000"),
        ("unclean.leader.election.enable", Kind.Boolean, "false"),
    ];

    public static IEnumerable<string> Names => Catalogue.Select(c => c.Name);

    public static bool IsKnown(string name) => Array.FindIndex(Catalogue, c => c.Name == name) >= 0;

    public static bool IsList(string name) => Find(name).Kind == Kind.List;

    /// <summary>The value a topic without an override has.</summary>
    public static string DefaultValue(string name, EmbeddedKafkaOptions options) => name switch
    {
        MaxMessageBytes => options.MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
        RetentionBytes => (options.RetentionBytes ?? -1).ToString(CultureInfo.InvariantCulture),
        RetentionMs => (options.RetentionTime is { } time ? (long)time.TotalMilliseconds : -1).ToString(CultureInfo.InvariantCulture),
        _ => Find(name).Default,
    };

    /// <summary>Why <paramref name="value"/> is not acceptable for <paramref name="name"/>, or null when it is.</summary>
    public static string? Validate(string name, string? value)
    {
        if (!IsKnown(name))
        {
            return $"Unknown topic config name: {name}";
        }

        if (value is null)
        {
            return $"Null value not supported for topic config: {name}";
        }

        var valid = Find(name).Kind switch
        {
            Kind.Boolean => bool.TryParse(value, out _),
            Kind.Int => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            Kind.Long => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            Kind.Double => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            Kind.List when name == CleanupPolicy => value.Split(',').All(v => v.Trim() is "delete" or "compact"),
            _ => true,
        };
        return valid ? null : $"Invalid value {value} for configuration {name}";
    }

    /// <summary>The largest batch the topic accepts.</summary>
    public static int EffectiveMaxMessageBytes(Topic topic, EmbeddedKafkaOptions options) =>
        topic.Configs.Count > 0 && topic.Configs.TryGetValue(MaxMessageBytes, out var value) && int.TryParse(value, CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : options.MaxMessageBytes;

    /// <summary>Bytes kept per partition; -1 keeps everything.</summary>
    public static long EffectiveRetentionBytes(Topic topic, EmbeddedKafkaOptions options) =>
        Override(topic, RetentionBytes) ?? options.RetentionBytes ?? -1;

    /// <summary>How long batches are kept in milliseconds; -1 keeps them forever.</summary>
    public static long EffectiveRetentionMs(Topic topic, EmbeddedKafkaOptions options) =>
        Override(topic, RetentionMs) ?? (options.RetentionTime is { } time ? (long)time.TotalMilliseconds : -1);

    private static long? Override(Topic topic, string name) =>
        topic.Configs.Count > 0 && topic.Configs.TryGetValue(name, out var value) && long.TryParse(value, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;

    private static (string Name, Kind Kind, string Default) Find(string name) => Array.Find(Catalogue, c => c.Name == name);
}
