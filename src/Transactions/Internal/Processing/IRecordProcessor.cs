using Confluent.Kafka;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>Turns one input record into the records to produce in its transaction. Never throws for a bad record: that is a dead letter.</summary>
internal interface IRecordProcessor
{
    ValueTask<ProcessedRecord> ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken);
}
