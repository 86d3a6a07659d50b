using Confluent.Kafka;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>
/// The records of one poll, and whether partitions were revoked during it (and the open transaction aborted);
/// after a revocation the records are those delivered from the new assignment only.
/// </summary>
internal sealed record PollResult(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> Records, bool Revoked);
