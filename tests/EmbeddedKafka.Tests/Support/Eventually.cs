using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes: how tests wait without sleeping for a fixed time.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, string what, CancellationToken cancellationToken, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeoutSeconds} s waiting until {what}.");
            await Task.Delay(25, cancellationToken);
        }
    }
}
