namespace Outbox.Inbox;

/// <summary>An aggregate key whose events the consumer group holds back.</summary>
/// <param name="Topic">The topic of the key's events.</param>
/// <param name="Key">The aggregate key.</param>
/// <param name="FailedEventId">The dead-lettered event blocking the key; null while parked events are being released.</param>
/// <param name="BlockedAt">When the key was blocked.</param>
/// <param name="ParkedEvents">Events of the key waiting behind the failed one.</param>
public sealed record BlockedKeyInfo(string Topic, string Key, Guid? FailedEventId, DateTimeOffset BlockedAt, int ParkedEvents);
