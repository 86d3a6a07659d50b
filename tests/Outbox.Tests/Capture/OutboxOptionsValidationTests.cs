using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Outbox.Tests.Support;

namespace Outbox.Tests.Capture;

public sealed class OutboxOptionsValidationTests
{
    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_with_a_message_naming_each_option()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDbContext<OrdersContext>(o => Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions.UseSqlite(o, "Data Source=:memory:"));
        builder.Services.AddOutbox<OrdersContext>(o =>
        {
            o.LaneCount = 0;
            o.BatchSize = 5000;
            o.LeaseDuration = TimeSpan.FromMilliseconds(10);
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, f => f.Contains("OutboxOptions.LaneCount", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("OutboxOptions.BatchSize", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("OutboxOptions.LeaseDuration", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("OutboxOptions.Kafka.BootstrapServers", StringComparison.Ordinal));
    }

    [Fact]
    public void Adding_to_a_context_without_the_outbox_says_how_to_set_it_up()
    {
        var services = new ServiceCollection();
        services.AddDbContext<OrdersContext>(o => Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions.UseSqlite(o, "Data Source=:memory:"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new OutboxOptions()));
        services.AddSingleton<Internal.RelaySignal>();
        services.AddSingleton<Internal.Capture.OutboxMessageFactory>();
        services.AddScoped<IOutbox, Internal.Capture.OutboxPublisher<OrdersContext>>();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IOutbox>().Add(new OrderPlaced("o", 1), "o"));

        Assert.Contains("UseOutbox()", error.Message, StringComparison.Ordinal);
    }
}
