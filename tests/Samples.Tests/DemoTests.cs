using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace Outbox.Samples.Tests;

/// <summary>Runs the demo as <c>dotnet run --project samples/Demo</c> would and checks what it prints.</summary>
public sealed partial class DemoTests
{
    [Fact]
    public async Task The_demo_shows_every_capability_on_embedded_defaults_and_exits_0_on_its_own()
    {
        var (exitCode, output) = await RunDemoAsync();

        Assert.True(exitCode == 0, $"The demo exited {exitCode}:\n{output}");
        Assert.Contains("Done: outbox, inbox, dead letters, transactional pipeline and claim check all shown.", output);

        // 1. Outbox: the three orders' events, relayed once each.
        Assert.Equal(["order-1001", "order-1002", "order-1003"], RelayedOrder().Matches(output).Select(m => m.Groups["key"].Value).Order());

        // 2. Inbox: three shipments; the redelivered duplicate is skipped.
        Assert.Equal(3, Regex.Count(output, "fulfilment: order-100[123] ships to "));
        Assert.Contains("skipped it as a duplicate: still 3 shipments", output);

        // 3. Dead letters: the reason headers, the parked later event, its release after the operator's requeue.
        Assert.Contains("dlt-reason: handler failed after 3 attempts", output);
        Assert.Contains("dlt-exception-type: System.InvalidOperationException", output);
        Assert.Contains("dlt-exception-message: Customer 'linus' has no shipping address.", output);
        Assert.Contains("blocked: orders/order-1004 by event ", output);
        Assert.Contains("1 later event parked behind it", output);
        Assert.Contains("operator: gave linus a shipping address, then requeued the failed event as orders[", output);
        Assert.Contains("order-1004 shipped to Linus Torvalds, 1 Helsinki Road, Portland, then stopped by the released cancellation", output);

        // 4. Transactional pipeline: one receipt per payment.
        Assert.Equal(4, Regex.Count(output, @"payments\[\d+\]@\d+ -> receipts\[\d+\]@\d+  key=order-100\d  billing\.receipt-issued"));
        Assert.Contains("4 payments, 4 receipts", output);

        // 5. Claim check: a small record on the topic, the whole payload at the handler.
        var payload = ClaimCheckedPayload().Match(output);
        Assert.True(payload.Success, output);
        Assert.InRange(int.Parse(payload.Groups["payload"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture), 1024 * 1024, int.MaxValue);
        var record = ClaimCheckedRecord().Match(output);
        Assert.True(record.Success, output);
        Assert.InRange(int.Parse(record.Groups["bytes"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture), 1, 1024);
        Assert.Contains("outbox-claim-check: {\"store\":\"fs\"", output);
        Assert.Contains("fulfilment: filed the invoice of order-1001, a 1,048,576-byte PDF", output);
    }

    private static async Task<(int ExitCode, string Output)> RunDemoAsync()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Demo.dll"));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the demo.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // The demo gives up on its own after two minutes; this only guards against a hang.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"orders\[\d+\]@\d+  key=(?<key>order-\d+)  orders\.order-placed")]
    private static partial Regex RelayedOrder();

    [GeneratedRegex(@"a 1,048,576-byte PDF \((?<payload>[\d,]+)-byte JSON payload\)")]
    private static partial Regex ClaimCheckedPayload();

    [GeneratedRegex(@"invoices\[\d+\]@\d+  key=order-1001  (?<bytes>[\d,]+)-byte record value")]
    private static partial Regex ClaimCheckedRecord();
}
