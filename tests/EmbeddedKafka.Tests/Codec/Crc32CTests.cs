using System.Text;
using Outbox.EmbeddedKafka.Protocol;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Codec;

public sealed class Crc32CTests
{
    [Fact]
    public void The_standard_check_input_gives_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(4_099)]
    [InlineData(12_287)]
    [InlineData(12_288)]
    [InlineData(12_289)]
    [InlineData(24_589)]
    [InlineData(1_000_003)]
    public void Inputs_of_every_length_match_the_bitwise_definition(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Bitwise(data), Crc32C.Compute(data));
        Assert.Equal(Bitwise(data), Crc32C.ComputeWithoutFolding(data));
    }

    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
