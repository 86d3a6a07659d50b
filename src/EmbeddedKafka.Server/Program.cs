using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Outbox.EmbeddedKafka;
using Outbox.EmbeddedKafka.Server;

// Scripts wait for the single READY line on stdout, so everything else goes to stderr.
if (args is ["--help"] or ["-h"])
{
    Console.Out.WriteLine(ServerArguments.Usage);
    return 0;
}

var arguments = ServerArguments.Parse(args, out var error);
if (arguments is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(ServerArguments.Usage);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    .AddSimpleConsole(console => console.SingleLine = true)
    .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
var logger = loggerFactory.CreateLogger("EmbeddedKafka");

using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var options = new EmbeddedKafkaOptions
{
    Host = arguments.Host,
    Port = arguments.Port,
    DefaultPartitions = arguments.Partitions,
    DataDirectory = arguments.DataDirectory,
};

EmbeddedKafkaBroker broker;
try
{
    broker = await EmbeddedKafkaBroker.StartAsync(options, logger, stopping.Token).ConfigureAwait(false);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    ServerLog.StartFailed(logger, e);
    return 1;
}

await using (broker.ConfigureAwait(false))
{
    Console.Out.WriteLine($"READY {broker.BootstrapServers}");
    Console.Out.Flush();
    try
    {
        await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
    }
    catch (OperationCanceledException)
    {
        ServerLog.Stopping(logger);
    }
}

return 0;
