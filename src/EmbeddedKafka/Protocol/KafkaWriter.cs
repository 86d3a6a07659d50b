using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>Writes Kafka's big-endian wire types into a growable buffer.</summary>
internal sealed class KafkaWriter : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _length;

    public KafkaWriter(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Reset() => _length = 0;

    public void WriteBool(bool value) => Grab(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt8(sbyte value) => Grab(1)[0] = (byte)value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Grab(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grab(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Grab(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grab(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Grab(8), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Grab(8), value);

    public void WriteUuid(Guid value)
    {
        if (!value.TryWriteBytes(Grab(16), bigEndian: true, out _))
        {
            throw new InvalidOperationException("uuid did not fit in 16 bytes");
        }
    }

    public void WriteUVarint(uint value)
    {
        while (value >= 0x80)
        {
            Grab(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }

        Grab(1)[0] = (byte)value;
    }

    public void WriteVarint(int value) => WriteUVarint((uint)((value << 1) ^ (value >> 31)));

    public void WriteVarlong(long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        while (raw >= 0x80)
        {
            Grab(1)[0] = (byte)(raw | 0x80);
            raw >>= 7;
        }

        Grab(1)[0] = (byte)raw;
    }

    private void WriteLength(int length, bool compact, bool int16)
    {
        if (compact)
        {
            WriteUVarint((uint)(length + 1));
        }
        else if (int16)
        {
            WriteInt16(checked((short)length));
        }
        else
        {
            WriteInt32(length);
        }
    }

    public void WriteNullableString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, int16: true);
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteLength(count, compact, int16: true);
        Encoding.UTF8.GetBytes(value, Grab(count));
    }

    public void WriteNullableBytes(ReadOnlySpan<byte> value, bool isNull, bool compact)
    {
        if (isNull)
        {
            WriteLength(-1, compact, int16: false);
            return;
        }

        WriteLength(value.Length, compact, int16: false);
        value.CopyTo(Grab(value.Length));
    }

    public void WriteNullableBytes(byte[]? value, bool compact) => WriteNullableBytes(value, value is null, compact);

    public void WriteRecords(ReadOnlyMemory<byte>? value, bool compact) =>
        WriteNullableBytes(value is { } v ? v.Span : default, value is null, compact);

    public void WriteArrayLength(int count, bool compact) => WriteLength(count, compact, int16: false);

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grab(bytes.Length));

    /// <summary>Reserves 4 bytes for a big-endian int32 filled in later with <see cref="PatchInt32"/>.</summary>
    public int ReserveInt32()
    {
        var at = _length;
        Grab(4);
        return at;
    }

    public void PatchInt32(int at, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at, 4), value);

    public Span<byte> Grab(int count)
    {
        EnsureCapacity(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }

    private void EnsureCapacity(int count)
    {
        if (_buffer.Length - _length >= count)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2, _length + count);
        Array.Resize(ref _buffer, size);
    }
}
