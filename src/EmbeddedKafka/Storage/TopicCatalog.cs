using System.Buffers;
using System.Text.Json;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// The topics file: every topic's name, id, partition count and configuration overrides, as JSON so a
/// person can read it. Rewritten whole (atomically) whenever a topic is created, grows or is deleted.
/// </summary>
internal static class TopicCatalog
{
    public const string FileName = "topics.json";

    /// <summary>One topic as written down.</summary>
    public sealed record Entry(string Name, Guid Id, int Partitions, Dictionary<string, string?> Configs);

    public static void Write(string path, IEnumerable<Topic> topics)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteStartArray("topics");
            foreach (var topic in topics)
            {
                json.WriteStartObject();
                json.WriteString("name", topic.Name);
                json.WriteString("id", topic.Id);
                json.WriteNumber("partitions", topic.Partitions.Count);
                json.WriteStartObject("configs");
                foreach (var (key, value) in topic.Configs)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        AtomicFile.Write(path, buffer.WrittenSpan);
    }

    public static List<Entry> Read(string path, ReadOnlyMemory<byte> content)
    {
        try
        {
            return Parse(content);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Written atomically, so only damage from outside gets here: refuse to start rather than guess.
            throw new InvalidDataException($"The topics file {path} is damaged: {e.Message}", e);
        }
    }

    private static List<Entry> Parse(ReadOnlyMemory<byte> content)
    {
        using var document = JsonDocument.Parse(content);
        var entries = new List<Entry>();
        foreach (var topic in document.RootElement.GetProperty("topics").EnumerateArray())
        {
            var configs = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var config in topic.GetProperty("configs").EnumerateObject())
            {
                configs[config.Name] = config.Value.GetString();
            }

            entries.Add(new Entry(
                topic.GetProperty("name").GetString() ?? throw new InvalidDataException("A topic in the topics file has no name."),
                topic.GetProperty("id").GetGuid(),
                topic.GetProperty("partitions").GetInt32(),
                configs));
        }

        return entries;
    }
}
