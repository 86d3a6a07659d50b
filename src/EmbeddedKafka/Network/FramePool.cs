using System.Numerics;

namespace Outbox.EmbeddedKafka.Network;

/// <summary>
/// The buffers request frames are read into, in power-of-two sizes. A buffer comes back when its frame
/// is released: at once for most requests, or when retention or DeleteRecords drops the last batch a
/// log kept in it. Those drops come in bursts (retention runs on the broker's tick), so the pool keeps
/// up to <see cref="MaxPooledBytes"/> rather than a handful per size, and hands out the most recently
/// returned buffer first, whose memory is still mapped and cached.
/// </summary>
internal sealed class FramePool
{
    public const long MaxPooledBytes = 32L * 1024 * 1024;
    private const int SmallestShift = 12; // 4 KiB: smaller frames share one size
    private readonly Stack<byte[]>[] _free = [.. Enumerable.Range(0, 32 - SmallestShift).Select(_ => new Stack<byte[]>())];
    private readonly Lock _lock = new();
    private long _pooledBytes;

    public byte[] Rent(int length)
    {
        var size = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 1 << SmallestShift)), Array.MaxLength);
        var free = _free[Bucket(size)];
        lock (_lock)
        {
            if (free.TryPop(out var array))
            {
                _pooledBytes -= array.Length;
                return array;
            }
        }

        // Every byte is read from the socket before it is used, so the runtime need not zero it.
        return GC.AllocateUninitializedArray<byte>(size);
    }

    public void Return(byte[] array)
    {
        lock (_lock)
        {
            if (_pooledBytes + array.Length <= MaxPooledBytes)
            {
                _free[Bucket(array.Length)].Push(array);
                _pooledBytes += array.Length;
            }
        }
    }

    private static int Bucket(int size) => Math.Max(0, BitOperations.Log2((uint)size) - SmallestShift);
}
