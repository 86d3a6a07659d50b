using System.Buffers.Binary;
using System.Text;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>
/// Reads Kafka's big-endian wire types from one request frame. Every read checks the bounds, so a
/// truncated or lying frame ends in <see cref="KafkaProtocolException"/>, never in a bad allocation.
/// </summary>
internal ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public bool ReadBool() => Take(1)[0] != 0;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    public uint ReadUVarint()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new KafkaProtocolException("unsigned varint longer than 5 bytes");
    }

    public int ReadVarint()
    {
        var raw = ReadUVarint();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    public long ReadVarlong()
    {
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1)[0];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }

        throw new KafkaProtocolException("varlong longer than 10 bytes");
    }

    /// <summary>Length of a string, bytes or array; -1 means null.</summary>
    private int ReadLength(bool compact, bool int16)
    {
        if (compact)
        {
            var raw = ReadUVarint();
            if (raw > int.MaxValue)
            {
                throw new KafkaProtocolException("compact length out of range");
            }

            return (int)raw - 1;
        }

        return int16 ? ReadInt16() : ReadInt32();
    }

    public string? ReadNullableString(bool compact)
    {
        var length = ReadLength(compact, int16: true);
        if (length < -1)
        {
            throw new KafkaProtocolException($"negative string length {length}");
        }

        return length == -1 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public string ReadString(bool compact, string field) =>
        ReadNullableString(compact) ?? throw new KafkaProtocolException($"{field} must not be null");

    public byte[]? ReadNullableBytes(bool compact)
    {
        var length = ReadLength(compact, int16: false);
        if (length < -1)
        {
            throw new KafkaProtocolException($"negative bytes length {length}");
        }

        return length == -1 ? null : Take(length).ToArray();
    }

    public byte[] ReadBytes(bool compact, string field) =>
        ReadNullableBytes(compact) ?? throw new KafkaProtocolException($"{field} must not be null");

    /// <summary>A record set: a slice of the frame, not a copy.</summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact)
    {
        var length = ReadLength(compact, int16: false);
        if (length < 0)
        {
            return null;
        }

        Take(length);
        return _memory.Slice(_position - length, length);
    }

    public int ReadArrayLength(bool compact)
    {
        var length = ReadLength(compact, int16: false);
        if (length < -1)
        {
            throw new KafkaProtocolException($"negative array length {length}");
        }

        return length;
    }

    public void Skip(int count) => Take(count);

    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _span.Length - _position)
        {
            throw new KafkaProtocolException($"frame truncated: wanted {count} bytes at {_position}, {_span.Length - _position} left");
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }
}
