using Confluent.Kafka;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>A record to produce inside the current transaction: an output or a dead letter.</summary>
internal sealed record OutputRecord(string Topic, Message<byte[]?, byte[]?> Message);
