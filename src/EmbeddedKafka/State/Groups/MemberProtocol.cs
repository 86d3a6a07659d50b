namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>One protocol a member supports (e.g. "range") with the metadata it sends for it.</summary>
internal sealed record MemberProtocol(string Name, byte[] Metadata);
