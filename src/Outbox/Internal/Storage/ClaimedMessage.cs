namespace Outbox.Internal.Storage;

/// <summary>An unpublished outbox row as the relay reads it.</summary>
internal sealed class ClaimedMessage
{
    public long Id { get; set; }

    public string Topic { get; set; } = string.Empty;

    public string? MessageKey { get; set; }

    public string Headers { get; set; } = "{}";

    public byte[] Payload { get; set; } = [];
}
