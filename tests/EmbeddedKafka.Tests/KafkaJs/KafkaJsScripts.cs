using System.Text.Json;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>Runs the KafkaJS scenario scripts of tests/node against a broker and returns their JSON result.</summary>
internal sealed class KafkaJsScripts
{
    // The script's own watchdog fires first and says where it hung; the kill is the backstop.
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillAfter = ScriptTimeout + TimeSpan.FromSeconds(15);

    private readonly NodeRuntime _node;

    private KafkaJsScripts(NodeRuntime node) => _node = node;

    /// <summary>Skips (or, when OUTBOX_REQUIRE names node, fails) the test when node or KafkaJS is not installed.</summary>
    public static KafkaJsScripts Require() => new(NodeRuntime.Require("kafkajs"));

    /// <summary>Runs <c>node script --bootstrap … options</c>, asserts it succeeded and returns its JSON output.</summary>
    public async Task<JsonElement> RunAsync(EmbeddedKafkaBroker broker, string script, CancellationToken cancellationToken, params string[] options)
    {
        var result = await _node.RunAsync(
            script,
            ["--bootstrap", broker.BootstrapServers, "--timeout-ms", ((int)ScriptTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), .. options],
            KillAfter,
            cancellationToken);
        // A failure carries stderr in its assertion message; a success may still have logged something worth seeing.
        if (result.ExitCode == 0 && result.StandardError.Length > 0)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"node {script} stderr:\n{result.StandardError}");
        }

        return result.SuccessOutput();
    }
}
