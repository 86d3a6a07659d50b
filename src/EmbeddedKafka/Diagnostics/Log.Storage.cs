using Microsoft.Extensions.Logging;

namespace Outbox.EmbeddedKafka;

/// <summary>Persistence events (5000s).</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Data directory {Directory} loaded: {Topics} topics, {Partitions} partitions, {Groups} groups with committed offsets")]
    public static partial void StorageOpened(ILogger logger, string directory, int topics, int partitions, int groups);

    [LoggerMessage(5001, LogLevel.Warning, "Segment {Path} had {Dropped} bytes after its last valid batch at byte {Valid} (a write torn by a crash); cut them off")]
    public static partial void TornTailTruncated(ILogger logger, string path, int valid, int dropped);

    [LoggerMessage(5002, LogLevel.Warning, "Deleted segment {Path}: it follows a damaged segment")]
    public static partial void SegmentDroppedAfterDamage(ILogger logger, string path);

    [LoggerMessage(5003, LogLevel.Warning, "Journal {Path} had {Dropped} bytes after its last intact record (a write torn by a crash); dropped them")]
    public static partial void JournalTailDropped(ILogger logger, string path, long dropped);

    [LoggerMessage(5004, LogLevel.Information, "Aborted the transaction of producer {ProducerId} left open on {Topic}-{Partition} when the broker stopped")]
    public static partial void OpenTransactionAborted(ILogger logger, long producerId, string topic, int partition);

    [LoggerMessage(5006, LogLevel.Information, "Transactional id {TransactionalId}: aborted the transaction of producer id {ProducerId} left open when the broker stopped; producer fenced at epoch {Epoch}")]
    public static partial void OpenTransactionAbortedAtRestart(ILogger logger, string transactionalId, long producerId, short epoch);

    [LoggerMessage(5005, LogLevel.Warning, "Deleted {Path}: it belongs to no known topic")]
    public static partial void OrphanDeleted(ILogger logger, string path);
}
