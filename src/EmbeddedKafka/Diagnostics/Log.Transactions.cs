using Microsoft.Extensions.Logging;

namespace Outbox.EmbeddedKafka;

/// <summary>Transaction coordinator events (4000s).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Debug, "Transactional id {TransactionalId} initialised: producer id {ProducerId}, epoch {Epoch}")]
    public static partial void ProducerInitialized(ILogger logger, string transactionalId, long producerId, short epoch);

    [LoggerMessage(4001, LogLevel.Debug, "Transaction of {TransactionalId} (producer id {ProducerId}, epoch {Epoch}) {Outcome}")]
    public static partial void TransactionEnded(ILogger logger, string transactionalId, long producerId, short epoch, string outcome);

    [LoggerMessage(4002, LogLevel.Information, "Transactional id {TransactionalId}: a new producer instance aborted the open transaction of producer id {ProducerId} and fenced it at epoch {Epoch}")]
    public static partial void OpenTransactionAbortedByNewInstance(ILogger logger, string transactionalId, long producerId, short epoch);

    [LoggerMessage(4003, LogLevel.Information, "Transaction of {TransactionalId} (producer id {ProducerId}) exceeded its timeout of {TimeoutMs} ms: aborted, producer fenced at epoch {Epoch}")]
    public static partial void TransactionTimedOut(ILogger logger, string transactionalId, long producerId, int timeoutMs, short epoch);

    [LoggerMessage(4004, LogLevel.Debug, "Transactional id {TransactionalId} expired")]
    public static partial void TransactionalIdExpired(ILogger logger, string transactionalId);
}
