namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>A snapshot of a group for DescribeGroups and ListGroups.</summary>
internal sealed record GroupDescription(string GroupId, GroupState State, string ProtocolType, string ProtocolName, IReadOnlyList<MemberDescription> Members);

/// <summary>A member in a <see cref="GroupDescription"/>; metadata and assignment are empty unless the group is stable, as in Kafka.</summary>
internal sealed record MemberDescription(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);
