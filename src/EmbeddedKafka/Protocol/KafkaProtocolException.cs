namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>A request that cannot be decoded: truncated, malformed, or out of range.</summary>
internal sealed class KafkaProtocolException(string message) : Exception(message);
