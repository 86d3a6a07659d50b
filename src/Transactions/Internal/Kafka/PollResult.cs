using Confluent.Kafka;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>The records of one poll, or the news that partitions were revoked (and the open transaction aborted).</summary>
internal sealed record PollResult(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> Records, bool Revoked)
{
    public static PollResult RevokedResult { get; } = new([], true);
}
