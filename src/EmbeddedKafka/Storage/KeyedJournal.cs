using Microsoft.Extensions.Logging;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// A journal of key → value changes (a null value removes the key). Opening replays it to the latest
/// value of each key and rewrites it down to those; later changes are appended, and it is rewritten
/// again once superseded records outnumber live ones. Not thread-safe: its owner serialises calls.
/// </summary>
internal sealed class KeyedJournal<TKey, TValue> : IDisposable
    where TKey : notnull
    where TValue : class
{
    private const int MinRecordsBeforeCompaction = 1024;
    private readonly string _path;
    private readonly Func<TKey, TValue?, byte[]> _encode;
    private readonly Dictionary<TKey, TValue> _live;
    private RecordJournal _journal;
    private int _records;

    private KeyedJournal(string path, Func<TKey, TValue?, byte[]> encode, Dictionary<TKey, TValue> live)
    {
        _path = path;
        _encode = encode;
        _live = live;
        _journal = Compact();
    }

    /// <summary>The latest value of every key.</summary>
    public IReadOnlyDictionary<TKey, TValue> Live => _live;

    public static async Task<KeyedJournal<TKey, TValue>> OpenAsync(string path, Func<byte[], (TKey Key, TValue? Value)> decode, Func<TKey, TValue?, byte[]> encode, ILogger logger, CancellationToken cancellationToken)
    {
        var (records, dropped) = await RecordJournal.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (dropped > 0)
        {
            Log.JournalTailDropped(logger, path, dropped);
        }

        var live = new Dictionary<TKey, TValue>();
        foreach (var record in records)
        {
            var (key, value) = decode(record);
            if (value is null)
            {
                live.Remove(key);
            }
            else
            {
                live[key] = value;
            }
        }

        return new KeyedJournal<TKey, TValue>(path, encode, live);
    }

    /// <summary>Records the key's new value (null: removed); nothing is written when it is unchanged.</summary>
    public void Set(TKey key, TValue? value)
    {
        if (value is null ? !_live.ContainsKey(key) : _live.TryGetValue(key, out var current) && current.Equals(value))
        {
            return;
        }

        _journal.Append(_encode(key, value));
        if (value is null)
        {
            _live.Remove(key);
        }
        else
        {
            _live[key] = value;
        }

        if (++_records > Math.Max(MinRecordsBeforeCompaction, 4 * _live.Count))
        {
            _journal.Dispose();
            _journal = Compact();
        }
    }

    public void Dispose() => _journal.Dispose();

    private RecordJournal Compact()
    {
        _records = _live.Count;
        return RecordJournal.Rewrite(_path, _live.Select(entry => _encode(entry.Key, entry.Value)));
    }
}
