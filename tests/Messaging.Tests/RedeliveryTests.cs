using System.Text;
using Confluent.Kafka;

namespace Outbox.Messaging.Tests;

public sealed class RedeliveryTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("shipping", false)]
    [InlineData("billing", true)]
    public void Only_a_copy_addressed_to_another_group_is_for_another_group(string? redeliveredTo, bool forAnother)
    {
        var headers = new Headers { { MessageHeaders.Id, "x"u8.ToArray() } };
        if (redeliveredTo is not null)
        {
            headers.Add(MessageHeaders.RedeliveredTo, Encoding.UTF8.GetBytes(redeliveredTo));
        }

        Assert.Equal(forAnother, Redelivery.IsForAnotherGroup(headers, "shipping", out var recipient));
        Assert.Equal(redeliveredTo, recipient);
    }

    [Fact]
    public void A_record_without_headers_is_for_every_group()
    {
        Assert.False(Redelivery.IsForAnotherGroup(null, "shipping", out var recipient));
        Assert.Null(recipient);
    }
}
