using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// One partition's directory: segment files named by the first offset they may hold (20 digits,
/// ".log"), holding the stored batches back to back exactly as <see cref="PartitionLog"/> keeps them,
/// and a checkpoint of the log start offset. The last segment takes appends until it would exceed the
/// segment size, then a new one starts; segments wholly below the log start offset are deleted.
/// </summary>
internal sealed class PartitionStore : IPartitionStorage, IDisposable
{
    private const string SegmentSuffix = ".log";
    private const string LogStartFileName = "log-start-offset";
    private readonly string _directory;
    private readonly int _segmentBytes;
    private readonly List<long> _segments;   // base offsets, ascending; the last one takes appends
    private AppendOnlyFile? _active;

    private PartitionStore(string directory, int segmentBytes, List<long> segments, AppendOnlyFile? active)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        _segments = segments;
        _active = active;
    }

    public string Directory => _directory;

    /// <summary>A store for a partition that has no data yet.</summary>
    public static PartitionStore Create(string directory, int segmentBytes)
    {
        System.IO.Directory.CreateDirectory(directory);
        return new PartitionStore(directory, segmentBytes, [], null);
    }

    /// <summary>
    /// Reads the partition back into <paramref name="log"/>: every valid batch of every segment, then the
    /// log start offset. A segment is cut at its first invalid batch and the segments after it are
    /// deleted, as Apache Kafka recovers a log, so appends continue right after the last good batch.
    /// </summary>
    public static async Task<PartitionStore> OpenAsync(string directory, int segmentBytes, PartitionLog log, ILogger logger, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var segments = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentSuffix))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var baseOffset))
            {
                segments.Add(baseOffset);
            }
        }

        segments.Sort();
        var kept = new List<long>();
        var nextOffset = 0L;
        var damaged = false;
        foreach (var baseOffset in segments)
        {
            var path = SegmentPath(directory, baseOffset);
            if (damaged)
            {
                File.Delete(path);
                Log.SegmentDroppedAfterDamage(logger, path);
                continue;
            }

            var content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            nextOffset = Math.Max(nextOffset, baseOffset);
            var valid = SegmentScan.ValidPrefix(content, ref nextOffset, log.Restore);
            if (valid < content.Length)
            {
                damaged = true;
                Log.TornTailTruncated(logger, path, valid, content.Length - valid);
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0);
                file.SetLength(valid);
                file.Flush(flushToDisk: true);
            }

            if (valid == 0)
            {
                // An empty segment names an offset nothing was written at; the next append starts a fresh one.
                File.Delete(path);
            }
            else
            {
                kept.Add(baseOffset);
            }
        }

        var checkpoint = await AtomicFile.ReadAsync(Path.Combine(directory, LogStartFileName), cancellationToken).ConfigureAwait(false);
        if (checkpoint is not null && long.TryParse(Encoding.ASCII.GetString(checkpoint), NumberStyles.None, CultureInfo.InvariantCulture, out var logStart))
        {
            // A log start past the restored end can only come from damage; the end wins.
            log.RestoreLogStartOffset(Math.Min(logStart, log.HighWatermark));
        }

        var active = kept.Count == 0 ? null : new AppendOnlyFile(SegmentPath(directory, kept[^1]), FileMode.Open);
        return new PartitionStore(directory, segmentBytes, kept, active);
    }

    public void Append(StoredBatch batch)
    {
        if (_active is null || (_active.Length > 0 && _active.Length + batch.Size > _segmentBytes))
        {
            Roll(batch.BaseOffset);
        }

        _active!.Append(batch.Data.Span);
    }

    public void DeleteBefore(long logStartOffset)
    {
        // The checkpoint goes first: after a crash the log start offset still hides what was deleted.
        AtomicFile.Write(Path.Combine(_directory, LogStartFileName), Encoding.ASCII.GetBytes(logStartOffset.ToString(CultureInfo.InvariantCulture)));
        while (_segments.Count > 1 && _segments[1] <= logStartOffset)
        {
            File.Delete(SegmentPath(_directory, _segments[0]));
            _segments.RemoveAt(0);
        }
    }

    public void Dispose() => _active?.Dispose();

    private void Roll(long baseOffset)
    {
        var next = new AppendOnlyFile(SegmentPath(_directory, baseOffset), FileMode.CreateNew);
        _active?.Dispose();
        _active = next;
        _segments.Add(baseOffset);
    }

    private static string SegmentPath(string directory, long baseOffset) =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + SegmentSuffix);
}
