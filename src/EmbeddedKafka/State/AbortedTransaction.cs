namespace Outbox.EmbeddedKafka.State;

/// <summary>An aborted transaction on one partition: its producer, first offset and the offset of its ABORT marker.</summary>
internal readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long MarkerOffset);
