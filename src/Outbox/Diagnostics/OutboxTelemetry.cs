using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Outbox.Diagnostics;

/// <summary>The names to subscribe to for the outbox's traces and metrics.</summary>
public static class OutboxTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name: one <c>outbox publish</c> activity per relayed batch, linked to each message's trace.</summary>
    public const string ActivitySourceName = "Outbox";

    /// <summary>The <see cref="Meter"/> name: <c>outbox.messages.published</c>, <c>outbox.messages.unpublishable</c>, <c>outbox.batch.duration</c>.</summary>
    public const string MeterName = "Outbox";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> MessagesPublished = Meter.CreateCounter<long>(
        "outbox.messages.published", "{message}", "Messages committed to Kafka by the relay.");

    internal static readonly Counter<long> MessagesUnpublishable = Meter.CreateCounter<long>(
        "outbox.messages.unpublishable", "{message}", "Messages set aside because they can never be published.");

    internal static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "outbox.batch.duration", "s", "Time from claiming a batch to committing its Kafka transaction.");
}
