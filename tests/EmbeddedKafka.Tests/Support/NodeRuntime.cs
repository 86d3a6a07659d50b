using System.Diagnostics;
using System.Text;
using Outbox.Testing.Node;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>
/// Node.js and the npm packages of tests/node, for tests that drive a JavaScript client. When either is
/// missing the test is skipped, unless OUTBOX_REQUIRE names "node" (CI), in which case it fails (see NodeTool).
/// </summary>
internal sealed class NodeRuntime
{
    private NodeRuntime(string executable, string scriptsDirectory)
    {
        Executable = executable;
        ScriptsDirectory = scriptsDirectory;
    }

    /// <summary>The node executable found on PATH.</summary>
    public string Executable { get; }

    /// <summary>tests/node in the checkout: the scripts and their node_modules.</summary>
    public string ScriptsDirectory { get; }

    /// <summary>Returns the runtime when node and the npm package are installed; otherwise skips or fails the test.</summary>
    /// <param name="package">An npm package the test needs, looked up in tests/node/node_modules.</param>
    public static NodeRuntime Require(string package) =>
        new(NodeTool.RequirePackage("tests/node", package), Path.Combine(NodeTool.RepositoryRoot, "tests", "node"));

    /// <summary>
    /// Runs <c>node script args</c> in tests/node and returns its exit code and output. The process tree is
    /// killed when <paramref name="timeout"/> passes or the token is cancelled (then this throws).
    /// </summary>
    public async Task<NodeScriptResult> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = ScriptsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(ScriptsDirectory, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the deadline and the kill.
            }

            cancellationToken.ThrowIfCancellationRequested();
            var partial = await stderr.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            throw new TimeoutException($"node {script} did not exit within {timeout}. stderr:\n{partial}");
        }

        return new NodeScriptResult(script, process.ExitCode, await stdout, await stderr);
    }
}
