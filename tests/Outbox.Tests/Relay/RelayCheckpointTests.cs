using Outbox.Internal.Relay;

namespace Outbox.Tests.Relay;

public sealed class RelayCheckpointTests
{
    [Fact]
    public void A_checkpoint_names_the_exact_ids_of_its_batch_even_with_gaps()
    {
        long[] ids = [3, 9, 10, 42];

        Assert.Equal(ids, RelayCheckpoint.Decode(RelayCheckpoint.Encode(ids)));
        Assert.Equal("lane-7", RelayCheckpoint.KeyOf(7));
    }
}
