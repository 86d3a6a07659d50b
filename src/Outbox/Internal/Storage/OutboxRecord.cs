namespace Outbox.Internal.Storage;

/// <summary>
/// One row of the outbox table. <see cref="Id"/> is assigned by the database when the row is
/// inserted, just before the transaction commits, and is the publish order within a lane.
/// </summary>
internal sealed class OutboxRecord
{
    public long Id { get; set; }

    public int Lane { get; set; }

    public required string Topic { get; set; }

    public string? MessageKey { get; set; }

    public Guid EventId { get; set; }

    public required string MessageType { get; set; }

    /// <summary>The envelope attributes as a JSON object of header name to value.</summary>
    public required string Headers { get; set; }

    public required byte[] Payload { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? PublishedAt { get; set; }

    public DateTime? FailedAt { get; set; }

    public string? FailureReason { get; set; }
}
