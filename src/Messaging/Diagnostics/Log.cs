using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Outbox.Messaging.Diagnostics;

/// <summary>The Kafka client layer's log messages (event ids 6000–6099).</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Warning, "{Client}: retrying {Operation} after {Code} ({Reason}), attempt {Attempt}")]
    public static partial void RetryingOperation(ILogger logger, string client, string operation, ErrorCode code, string reason, int attempt);

    [LoggerMessage(6001, LogLevel.Debug, "{Client}: librdkafka {Facility} {Message}")]
    public static partial void ClientLog(ILogger logger, string client, string facility, string message);
}
