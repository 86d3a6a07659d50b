using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka;

/// <summary>
/// The broker's log events. Ids: 1000s network, 2000s data, 3000s groups, 4000s transactions,
/// 5000s persistence. Each area adds its events in its own partial file.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "EmbeddedKafka listening on {Host}:{Port}")]
    public static partial void Listening(ILogger logger, string host, int port);

    [LoggerMessage(1001, LogLevel.Warning, "Connection {ConnectionId} sent a frame of {Size} bytes; closing it")]
    public static partial void BadFrameSize(ILogger logger, long connectionId, int size);

    [LoggerMessage(1002, LogLevel.Warning, "Connection {ConnectionId} sent unknown API key {ApiKey}; closing it")]
    public static partial void UnknownApi(ILogger logger, long connectionId, short apiKey);

    [LoggerMessage(1003, LogLevel.Warning, "Connection {ConnectionId} sent {ApiKey} v{Version}, which is not supported; closing it")]
    public static partial void UnsupportedVersion(ILogger logger, long connectionId, ApiKey apiKey, short version);

    [LoggerMessage(1004, LogLevel.Warning, "Connection {ConnectionId} sent a malformed {ApiKey} v{Version}: {Reason}; closing it")]
    public static partial void MalformedRequest(ILogger logger, long connectionId, ApiKey apiKey, short version, string reason);

    [LoggerMessage(1005, LogLevel.Error, "Connection {ConnectionId}: handling {ApiKey} v{Version} failed; closing it")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, long connectionId, ApiKey apiKey, short version);

    [LoggerMessage(1006, LogLevel.Debug, "Refused a connection from {Remote}: fault injection")]
    public static partial void ConnectionRefused(ILogger logger, string remote);
}
