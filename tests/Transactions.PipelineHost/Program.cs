using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outbox.Transactions.PipelineHost;

// Usage: Outbox.Transactions.PipelineHost <bootstrap-servers> <group-id> <instance-id>
if (args.Length != 3)
{
    await Console.Error.WriteLineAsync("usage: Outbox.Transactions.PipelineHost <bootstrap-servers> <group-id> <instance-id>");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Services.AddEnrichmentPipeline(args[0], args[1], args[2]);
await builder.Build().RunAsync();
return 0;
