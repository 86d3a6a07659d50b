using System.Diagnostics;
using System.Diagnostics.Metrics;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Messaging;

namespace Outbox.Inbox.Diagnostics;

/// <summary>The inbox's traces and metrics, both named <c>Outbox.Inbox</c>.</summary>
internal static class InboxTelemetry
{
    public const string Name = "Outbox.Inbox";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("outbox.inbox.handled", "{record}", "Records handled successfully.");

    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("outbox.inbox.duplicates", "{record}", "Redelivered records skipped because their event id was already handled.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("outbox.inbox.retries", "{attempt}", "Failed attempts that were retried.");

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("outbox.inbox.dead_lettered", "{record}", "Records sent to a dead-letter topic.");

    public static readonly Counter<long> Parked = Meter.CreateCounter<long>("outbox.inbox.parked", "{record}", "Records parked behind a blocked key.");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("outbox.inbox.duration", "ms", "Time from dispatch to the end of a record.");

    /// <summary>Starts the span of one record, continuing the producer's trace from the <c>traceparent</c> header.</summary>
    public static Activity? StartProcess(ConsumedRecord record, string consumerGroup)
    {
        // Without a listener no span is made: skip reading the trace headers and naming the span for every record.
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(Header(record, MessageHeaders.TraceParent), Header(record, MessageHeaders.TraceState), out var parent);
        var activity = ActivitySource.StartActivity($"{record.Topic} process", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", record.Topic);
            activity.SetTag("messaging.destination.partition.id", record.Partition);
            activity.SetTag("messaging.kafka.offset", record.Offset);
            activity.SetTag("messaging.consumer.group.name", consumerGroup);
            activity.SetTag("messaging.message.id", Header(record, MessageHeaders.Id));
        }

        return activity;
    }

    private static string? Header(ConsumedRecord record, string name) =>
        record.Headers.TryGetLastBytes(name, out var bytes) && bytes is not null ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}
