using System.Text.Json;

namespace Outbox.Messaging;

/// <summary>Serializes messages as UTF-8 JSON with System.Text.Json (web defaults: camelCase, case-insensitive reads).</summary>
public sealed class JsonMessageSerializer : IMessageSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer with <see cref="JsonSerializerDefaults.Web"/> options.</summary>
    public JsonMessageSerializer()
        : this(new JsonSerializerOptions(JsonSerializerDefaults.Web))
    {
    }

    /// <summary>Creates a serializer with the given options.</summary>
    /// <param name="options">The System.Text.Json options, for example with a source-generated type resolver.</param>
    public JsonMessageSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string ContentType => "application/json";

    /// <inheritdoc />
    public byte[] Serialize(object message, Type type) => JsonSerializer.SerializeToUtf8Bytes(message, type, _options);

    /// <inheritdoc />
    public object Deserialize(ReadOnlySpan<byte> payload, Type type) =>
        JsonSerializer.Deserialize(payload, type, _options)
        ?? throw new JsonException($"The payload deserialized to null as {type.FullName}.");
}
