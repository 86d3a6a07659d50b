using System.Diagnostics;
using System.Text;

namespace Outbox.Transactions.Tests.Support;

/// <summary>The pipeline host as a child process, so a test can kill it with SIGKILL mid-transaction.</summary>
internal sealed class PipelineProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private PipelineProcess(Process process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>Starts the host; with <paramref name="database"/> it runs the pipeline with database effects there.</summary>
    public static PipelineProcess Start(string bootstrapServers, string groupId, string instanceId, StringBuilder output, EnrichmentDatabase? database = null)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Outbox.Transactions.PipelineHost.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(bootstrapServers);
        start.ArgumentList.Add(groupId);
        start.ArgumentList.Add(instanceId);
        if (database is not null)
        {
            start.ArgumentList.Add(database.Provider);
            start.ArgumentList.Add(database.ConnectionString);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PipelineProcess(process, output);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Kills the process with SIGKILL: no shutdown code runs, the open transaction stays open.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(cancellationToken);
        Append(_output, $"---- killed (SIGKILL), exit code {_process.ExitCode}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
