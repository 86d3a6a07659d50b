using Outbox.Internal.Capture;

namespace Outbox.Tests.Capture;

public sealed class LaneHasherTests
{
    [Fact]
    public void Lanes_are_stable_across_processes_and_versions()
    {
        // FNV-1a of the UTF-8 bytes: these values must never change, or keys would move between lanes.
        Assert.Equal(2166136261u % 7, (uint)LaneHasher.LaneOf("", 7));
        Assert.Equal(LaneHasher.LaneOf("order-42", 16), LaneHasher.LaneOf("order-42", 16));
        Assert.Equal(LaneHasher.LaneOf(new string('k', 300), 16), LaneHasher.LaneOf(new string('k', 300), 16));
    }

    [Fact]
    public void Keys_spread_over_every_lane()
    {
        var lanes = Enumerable.Range(0, 1000).Select(i => LaneHasher.LaneOf("order-" + i, 8)).ToHashSet();

        Assert.Equal(8, lanes.Count);
    }
}
