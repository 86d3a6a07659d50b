using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Server;

public sealed class ConsoleHostTests
{
    private static readonly string ServerPath = typeof(ConsoleHostTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EmbeddedKafkaServerPath").Value!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_server_prints_one_READY_line_serves_clients_and_exits_0_on_SIGTERM()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("SIGTERM is a POSIX signal.");
        }

        using var server = Start("--port", "0", "--partitions", "2");
        var logs = server.StandardError.ReadToEndAsync(Ct); // drained so the server never blocks on a full pipe
        var ready = await ReadLineAsync(server);
        Assert.Matches(@"^READY 127\.0\.0\.1:\d+$", ready);
        var bootstrap = ready!["READY ".Length..];

        TopicPartition delivered;
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true }).Build())
        {
            delivered = (await producer.ProduceAsync("through-the-host", new Message<string, string> { Key = "k", Value = "hello" }, Ct)).TopicPartition;
        }

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "host", EnableAutoCommit = false }).Build())
        {
            consumer.Assign(new TopicPartitionOffset(delivered, Offset.Beginning));
            var result = consumer.Consume(TimeSpan.FromSeconds(20));
            Assert.Equal("hello", result?.Message.Value);
        }

        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        await WaitForExitAsync(server);
        Assert.Equal(0, server.ExitCode);
        Assert.Equal("", await server.StandardOutput.ReadToEndAsync(Ct));
        Assert.Contains("listening on", await logs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "not-a-port")]
    [InlineData("--partitions", "0")]
    [InlineData("--unknown", "1")]
    [InlineData("--port")]
    public async Task Bad_arguments_print_the_usage_on_stderr_and_exit_2(params string[] args)
    {
        using var server = Start(args);
        var stderr = server.StandardError.ReadToEndAsync(Ct);
        await WaitForExitAsync(server);

        Assert.Equal(2, server.ExitCode);
        Assert.Contains("Usage:", await stderr, StringComparison.Ordinal);
        Assert.Equal("", await server.StandardOutput.ReadToEndAsync(Ct));
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServerPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<string?> ReadLineAsync(Process process)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            return await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            process.Kill();
            Assert.Fail("the server printed no READY line within 60 seconds");
            return null;
        }
    }

    private static async Task WaitForExitAsync(Process process)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            process.Kill();
            Assert.Fail("the server did not exit within 30 seconds");
        }
    }
}
