using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>
/// Writes Kafka's big-endian wire types into a growable buffer. A writer made with
/// <c>referenceRecordsFrom</c> keeps record sets of at least that many bytes by reference instead of
/// copying them (<see cref="ChainedRecords"/> part by part); its output is then read with
/// <see cref="GetSegments"/>.
/// </summary>
internal sealed class KafkaWriter : IBufferWriter<byte>
{
    // sendmsg takes at most 1024 buffers; records beyond this many references are copied.
    private const int MaxReferences = 256;

    private readonly int _referenceRecordsFrom;
    private readonly List<(int At, ArraySegment<byte> Bytes)> _references = [];
    private byte[] _buffer;
    private int _length;
    private int _referencedLength;

    public KafkaWriter(int capacity = 256, int referenceRecordsFrom = 0)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
        _referenceRecordsFrom = referenceRecordsFrom;
    }

    /// <summary>The bytes written so far, referenced records included.</summary>
    public int Length => _length + _referencedLength;

    public ReadOnlySpan<byte> WrittenSpan => _references.Count == 0
        ? _buffer.AsSpan(0, _length)
        : throw new InvalidOperationException("the writer holds referenced records; read its segments");

    public ReadOnlyMemory<byte> WrittenMemory => _references.Count == 0
        ? _buffer.AsMemory(0, _length)
        : throw new InvalidOperationException("the writer holds referenced records; read its segments");

    public void Reset()
    {
        _length = 0;
        _referencedLength = 0;
        _references.Clear();
    }

    /// <summary>Everything written, in order: the buffer's stretches with the referenced records between them.</summary>
    public void GetSegments(List<ArraySegment<byte>> segments)
    {
        segments.Clear();
        var from = 0;
        foreach (var (at, bytes) in _references)
        {
            if (at > from)
            {
                segments.Add(new ArraySegment<byte>(_buffer, from, at - from));
            }

            segments.Add(bytes);
            from = at;
        }

        if (_length > from)
        {
            segments.Add(new ArraySegment<byte>(_buffer, from, _length - from));
        }
    }

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

    public void WriteRecords(ReadOnlyMemory<byte>? value, bool compact)
    {
        if (_referenceRecordsFrom == 0 || value is not { } records || records.Length < _referenceRecordsFrom)
        {
            WriteNullableBytes(value is { } v ? v.Span : default, value is null, compact);
            return;
        }

        WriteLength(records.Length, compact, int16: false);
        if (MemoryMarshal.TryGetMemoryManager(records, out ChainedRecords? chain, out var start, out var length)
            && start == 0 && length == records.Length)
        {
            foreach (var part in chain.Parts)
            {
                WriteRecordBytes(part);
            }
        }
        else
        {
            WriteRecordBytes(records);
        }
    }

    private void WriteRecordBytes(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length >= _referenceRecordsFrom && _references.Count < MaxReferences && MemoryMarshal.TryGetArray(bytes, out var segment))
        {
            _references.Add((_length, segment));
            _referencedLength += bytes.Length;
        }
        else
        {
            bytes.Span.CopyTo(Grab(bytes.Length));
        }
    }

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
