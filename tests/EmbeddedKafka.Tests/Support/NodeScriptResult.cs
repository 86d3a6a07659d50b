using System.Text.Json;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>How a node script ended: its exit code, the JSON it printed on stdout and its diagnostics on stderr.</summary>
internal sealed record NodeScriptResult(string Script, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Asserts the script succeeded and returns the JSON document it printed.</summary>
    public JsonElement SuccessOutput()
    {
        Assert.True(ExitCode == 0, $"node {Script} exited with {ExitCode}.\nstderr:\n{StandardError}\nstdout:\n{StandardOutput}");
        using var document = JsonDocument.Parse(StandardOutput);
        return document.RootElement.Clone();
    }
}
