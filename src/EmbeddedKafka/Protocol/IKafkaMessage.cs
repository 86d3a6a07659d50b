namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>A request, response or header body that reads and writes itself at a given version.</summary>
internal interface IKafkaMessage
{
    void Read(ref KafkaReader reader, short version);

    void Write(KafkaWriter writer, short version);
}
