using System.Text.Json.Serialization;

namespace Outbox.Internal;

/// <summary>Source-generated JSON for the outbox's own documents: stored headers and relay checkpoints.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(long[]))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
