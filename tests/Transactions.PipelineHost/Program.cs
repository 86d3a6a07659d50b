using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.Transactions.PipelineHost;

// Usage: Outbox.Transactions.PipelineHost <bootstrap-servers> <group-id> <instance-id> [sqlite|postgres <connection-string>]
if (args.Length is not (3 or 5))
{
    await Console.Error.WriteLineAsync("usage: Outbox.Transactions.PipelineHost <bootstrap-servers> <group-id> <instance-id> [sqlite|postgres <connection-string>]");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
if (args.Length == 5)
{
    // The crash test counts the inputs redelivered after their database effects committed (event 5032, Debug).
    builder.Logging.AddFilter("Outbox.Transactions", LogLevel.Debug);
    builder.Services.AddEnrichmentPipelineWithDatabase(args[0], args[1], args[2], args[3], args[4]);
}
else
{
    builder.Services.AddEnrichmentPipeline(args[0], args[1], args[2]);
}

await builder.Build().RunAsync();
return 0;
