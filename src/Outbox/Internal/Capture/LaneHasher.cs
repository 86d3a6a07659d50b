using System.Text;

namespace Outbox.Internal.Capture;

/// <summary>
/// Maps an aggregate key to a lane with FNV-1a over its UTF-8 bytes: stable across processes,
/// machines and .NET versions (unlike <see cref="string.GetHashCode()"/>), so every writer puts an
/// aggregate's messages on the same lane.
/// </summary>
internal static class LaneHasher
{
    public static int LaneOf(string key, int laneCount)
    {
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(key) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(key, buffer)]
            : Encoding.UTF8.GetBytes(key);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * prime;
        }

        return (int)(hash % (uint)laneCount);
    }
}
