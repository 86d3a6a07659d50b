using System.Diagnostics.CodeAnalysis;
using System.Text;
using Confluent.Kafka;

namespace Outbox.Messaging;

/// <summary>Reads the <see cref="MessageHeaders.RedeliveredTo"/> address of a record, for every consumer of the topic.</summary>
internal static class Redelivery
{
    /// <summary>
    /// Whether the record is a copy redelivered to a consumer group other than <paramref name="consumerGroup"/>,
    /// which therefore saw the original and skips it; <paramref name="recipient"/> names the group it is for.
    /// </summary>
    public static bool IsForAnotherGroup(Headers? headers, string consumerGroup, [NotNullWhen(true)] out string? recipient)
    {
        recipient = headers is not null && headers.TryGetLastBytes(MessageHeaders.RedeliveredTo, out var group) ? Encoding.UTF8.GetString(group) : null;
        return recipient is not null && recipient != consumerGroup;
    }
}
