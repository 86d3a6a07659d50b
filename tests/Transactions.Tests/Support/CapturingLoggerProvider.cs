using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Outbox.Transactions.Tests.Support;

/// <summary>Keeps every log event, so a test can wait for one (for example the pipeline being fenced).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(EventId EventId, string Message, Exception? Exception)> Events { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this);

    public void Dispose()
    {
    }

    public override string ToString() => string.Join(Environment.NewLine, Events.Select(e => $"{e.EventId.Id} {e.Message} {e.Exception?.GetType().Name}: {e.Exception?.Message}"));

    private sealed class CapturingLogger(CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Events.Enqueue((eventId, formatter(state, exception), exception));
    }
}
