using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Outbox.EmbeddedKafka.Network;

/// <summary>
/// The bytes of one request frame in a buffer rented from a <see cref="FramePool"/>. A partition log keeps the
/// produced batches as slices of it instead of copying them, so the frame is reference counted: the
/// connection holds one reference while it handles the request and every stored batch one more, and
/// the buffer goes back to the pool when the last of them is released. Nothing may read a slice after
/// releasing its reference, since the buffer is then reused for another frame.
/// </summary>
internal sealed class RequestFrame
{
    private readonly FramePool _pool;
    private byte[]? _array;
    private int _references = 1;

    private RequestFrame(FramePool pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The whole buffer's size: what the frame costs in memory while anything holds it.</summary>
    public int Capacity => Array.Length;

    public Memory<byte> Memory => Array.AsMemory(0, Length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(RequestFrame));

    /// <summary>A frame of <paramref name="length"/> bytes, held once by the caller.</summary>
    public static RequestFrame Rent(FramePool pool, int length) => new(pool, pool.Rent(length), length);

    /// <summary>Whether <paramref name="slice"/> lies in this frame's bytes.</summary>
    public bool Contains(ReadOnlyMemory<byte> slice) =>
        MemoryMarshal.TryGetArray(slice, out var segment) && ReferenceEquals(segment.Array, _array);

    /// <summary>Takes one more reference, for a stored batch that keeps a slice of the frame.</summary>
    public void AddReference()
    {
        var before = Interlocked.Increment(ref _references) - 1;
        Debug.Assert(before > 0, "a released frame was referenced again");
    }

    /// <summary>Gives one reference back; the last one returns the buffer to the pool.</summary>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        Debug.Assert(left >= 0, "a frame was released more often than it was referenced");
        if (left == 0 && Interlocked.Exchange(ref _array, null) is { } array)
        {
            _pool.Return(array);
        }
    }
}
