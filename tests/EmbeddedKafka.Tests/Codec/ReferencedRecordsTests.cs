using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Codec;

/// <summary>
/// A response writer keeps large record sets by reference and the connection sends its segments in
/// one gather write: the bytes on the wire must be exactly those of a writer that copies everything.
/// </summary>
public sealed class ReferencedRecordsTests
{
    [Fact]
    public void Segments_of_a_fetch_response_with_chained_batches_join_to_the_copied_encoding()
    {
        // Large parts are referenced, small ones copied between them.
        var parts = new[] { Bytes(40_000, 1), Bytes(300, 2), Bytes(20_000, 3), Bytes(16_384, 4), Bytes(10, 5) };
        var response = FetchResponseWith(ChainedRecords.Of([.. parts.Select(p => (ReadOnlyMemory<byte>)p)]), Bytes(50_000, 6), Bytes(100, 7));

        var copying = new KafkaWriter();
        response.Write(copying, 11);
        var referencing = new KafkaWriter(64, referenceRecordsFrom: 16 * 1024);
        response.Write(referencing, 11);
        var segments = new List<ArraySegment<byte>>();
        referencing.GetSegments(segments);

        Assert.Equal(copying.Length, referencing.Length);
        Assert.Equal(copying.WrittenSpan.ToArray(), segments.SelectMany(s => s).ToArray());
        Assert.Contains(segments, s => ReferenceEquals(s.Array, parts[0]));
        Assert.Contains(segments, s => ReferenceEquals(s.Array, parts[3]));
        Assert.DoesNotContain(segments, s => ReferenceEquals(s.Array, parts[1]));
    }

    [Fact]
    public void Chained_batches_read_as_one_joined_record_set()
    {
        var parts = new[] { Bytes(5, 1), Bytes(7, 2), Bytes(3, 3) };

        var records = ChainedRecords.Of([.. parts.Select(p => (ReadOnlyMemory<byte>)p)]);

        Assert.Equal(parts.SelectMany(p => p).ToArray(), records.ToArray());
    }

    private static FetchResponse FetchResponseWith(params ReadOnlyMemory<byte>[] recordSets) => new()
    {
        Responses =
        [
            new FetchResponse.FetchableTopicResponse
            {
                Topic = "t",
                Partitions = [.. recordSets.Select((records, i) => new FetchResponse.PartitionData
                {
                    PartitionIndex = i, HighWatermark = 10, LastStableOffset = 10, LogStartOffset = 0, PreferredReadReplica = -1,
                    AbortedTransactions = [], Records = records,
                })],
            },
        ],
    };

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
