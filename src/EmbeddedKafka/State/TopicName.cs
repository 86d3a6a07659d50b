using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State;

/// <summary>Kafka's rules for topic names: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".</summary>
internal static class TopicName
{
    public static ErrorCode Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 249 || name is "." or "..")
        {
            return ErrorCode.InvalidTopicException;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return ErrorCode.InvalidTopicException;
            }
        }

        return ErrorCode.None;
    }
}
