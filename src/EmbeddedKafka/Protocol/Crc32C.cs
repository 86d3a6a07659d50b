using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>CRC-32C (Castagnoli), the checksum of record batch v2; hardware-accelerated where the CPU has it.</summary>
internal static class Crc32C
{
    // The CRC instruction takes three cycles but can start every cycle, so a long input is checksummed
    // as three lanes at once, which are then joined with the shift table: a produce request of 1 MB is
    // on the path of every acks=all round trip.
    private const int Lane = 4096;
    private static readonly uint[] LaneShift = BuildLaneShift();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 3 * Lane)
        {
            ref var first = ref MemoryMarshal.GetReference(data);
            uint second = 0, third = 0;
            for (var i = 0; i < Lane; i += 8)
            {
                crc = BitOperations.Crc32C(crc, ReadUInt64(ref first, i));
                second = BitOperations.Crc32C(second, ReadUInt64(ref first, Lane + i));
                third = BitOperations.Crc32C(third, ReadUInt64(ref first, (2 * Lane) + i));
            }

            crc = ShiftByLane(ShiftByLane(crc) ^ second) ^ third;
            data = data[(3 * Lane)..];
        }

        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    private static ulong ReadUInt64(ref byte start, int offset)
    {
        var value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    /// <summary>The CRC register after <see cref="Lane"/> zero bytes: what a lane's CRC becomes once the next lane is appended.</summary>
    private static uint ShiftByLane(uint crc) =>
        LaneShift[(byte)crc] ^ LaneShift[256 + (byte)(crc >> 8)] ^ LaneShift[512 + (byte)(crc >> 16)] ^ LaneShift[768 + (crc >> 24)];

    private static uint[] BuildLaneShift()
    {
        // The register update is linear, so shifting any value is the XOR of shifting its bits.
        Span<uint> bits = stackalloc uint[32];
        for (var bit = 0; bit < 32; bit++)
        {
            var crc = 1u << bit;
            for (var i = 0; i < Lane; i += 8)
            {
                crc = BitOperations.Crc32C(crc, 0UL);
            }

            bits[bit] = crc;
        }

        var table = new uint[4 * 256];
        for (var part = 0; part < 4; part++)
        {
            for (var value = 0; value < 256; value++)
            {
                var shifted = 0u;
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((value & (1 << bit)) != 0)
                    {
                        shifted ^= bits[(8 * part) + bit];
                    }
                }

                table[(256 * part) + value] = shifted;
            }
        }

        return table;
    }
}
