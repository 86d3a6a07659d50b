namespace Outbox.Internal.Storage;

/// <summary>
/// One row of the lease table: either a lane (<c>lane:3</c>), owned by one relay instance at a time,
/// or a relay instance's heartbeat (<c>relay:…</c>), which lets instances count each other and share lanes.
/// </summary>
internal sealed class OutboxLeaseRecord
{
    public required string Name { get; set; }

    public string? Owner { get; set; }

    public DateTime ExpiresAt { get; set; }
}
