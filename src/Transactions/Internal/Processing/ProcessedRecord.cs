namespace Outbox.Transactions.Internal.Processing;

/// <summary>What one input turned into: outputs, or a single dead letter.</summary>
internal sealed record ProcessedRecord(IReadOnlyList<OutputRecord> Records, bool DeadLettered);
