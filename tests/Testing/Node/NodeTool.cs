using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Outbox.Testing.Node;

/// <summary>
/// Finds the repository's npm test tools and runs them as child processes. A missing <c>node</c> or
/// missing packages skip the test with what to do, unless <c>OUTBOX_REQUIRE</c> names <c>node</c>
/// (as CI does), where they fail it.
/// </summary>
public static class NodeTool
{
    /// <summary>The repository root: the directory holding Outbox.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The path of an npm package binary under <paramref name="packageDirectory"/> (relative to the repository root), or a skip.</summary>
    public static string RequireBinary(string packageDirectory, string binary)
    {
        if (MissingBinary(packageDirectory, binary) is { } reason)
        {
            SkipOrFail(reason);
        }

        return BinaryPath(packageDirectory, binary);
    }

    /// <summary>
    /// Why an npm package binary cannot run here, or null when it can. Class fixtures use this instead of
    /// <see cref="RequireBinary"/>: a skip thrown while a fixture starts counts as a failure, so they keep the
    /// reason and let each test call <see cref="SkipOrFail"/>.
    /// </summary>
    public static string? MissingBinary(string packageDirectory, string binary) =>
        FindOnPath("node") is null ? "node is not on PATH: install Node.js 20+ to run this test."
        : !File.Exists(BinaryPath(packageDirectory, binary)) ? $"{binary} is not installed: run `npm ci` in {packageDirectory} (scripts/test.sh does)."
        : null;

    public static string BinaryPath(string packageDirectory, string binary) =>
        Path.Combine(RepositoryRoot, packageDirectory, "node_modules", ".bin", binary);

    /// <summary>
    /// The node executable, when it is on PATH and the npm package <paramref name="package"/> is installed under
    /// <paramref name="packageDirectory"/> (relative to the repository root); otherwise a skip.
    /// </summary>
    public static string RequirePackage(string packageDirectory, string package)
    {
        var node = FindOnPath("node");
        if (node is null)
        {
            SkipOrFail("node is not on PATH: install Node.js 20+ to run this test.");
        }

        if (!File.Exists(Path.Combine(RepositoryRoot, packageDirectory, "node_modules", package, "package.json")))
        {
            SkipOrFail($"{package} is not installed: run `npm ci` in {packageDirectory} (scripts/test.sh does).");
        }

        return node;
    }

    /// <summary>Starts a server and returns once it accepts TCP connections on <paramref name="port"/>.</summary>
    public static async Task<Process> StartServerAsync(string binary, IEnumerable<string> arguments, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(binary)} exited with {process.ExitCode}: {output}");
            }

            using (var client = new TcpClient())
            {
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return process;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                Stop(process);
                throw new TimeoutException($"{Path.GetFileName(binary)} did not listen on {port} within {timeout}: {output}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Kills a server started by <see cref="StartServerAsync"/> and its children.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    /// <summary>Skips the running test for <paramref name="reason"/>, or fails it where OUTBOX_REQUIRE names node.</summary>
    public static void SkipOrFail(string reason)
    {
        var required = Environment.GetEnvironmentVariable("OUTBOX_REQUIRE") ?? "";
        if (required.Split(',', StringSplitOptions.TrimEntries).Contains("node", StringComparer.OrdinalIgnoreCase))
        {
            Assert.Fail($"{reason} (required here: OUTBOX_REQUIRE contains node)");
        }

        Assert.Skip(reason);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Outbox.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Outbox.sln not found above {AppContext.BaseDirectory}.");
    }
}
