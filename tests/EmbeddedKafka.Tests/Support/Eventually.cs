using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes: how tests wait without sleeping for a fixed time.</summary>
internal static class Eventually
{
    /// <param name="condition">What must hold.</param>
    /// <param name="what">The condition in words, for the failure message.</param>
    /// <param name="cancellationToken">The test's token.</param>
    /// <param name="timeoutSeconds">How long to wait.</param>
    /// <param name="state">What the failure message adds to explain the timeout (the state the condition was read from).</param>
    public static async Task HoldsAsync(Func<bool> condition, string what, CancellationToken cancellationToken, int timeoutSeconds = 60, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {timeoutSeconds} s waiting until {what}.{(state is null ? string.Empty : Environment.NewLine + state())}");
            }

            await Task.Delay(25, cancellationToken);
        }
    }
}
