using Microsoft.Extensions.Logging;

namespace Outbox.EmbeddedKafka.Server;

/// <summary>The console host's own log events (9000s; the broker's are below).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(9000, LogLevel.Critical, "EmbeddedKafka could not start")]
    public static partial void StartFailed(ILogger logger, Exception exception);

    [LoggerMessage(9001, LogLevel.Information, "Stopping EmbeddedKafka")]
    public static partial void Stopping(ILogger logger);
}
