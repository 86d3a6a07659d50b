using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Outbox.Inbox.Diagnostics;
using Outbox.Inbox.Tests.Support;
using Outbox.Messaging;
using Xunit;

namespace Outbox.Inbox.Tests.Pipeline;

public sealed class InboxTelemetryTests
{
    [Fact]
    public void The_processing_span_continues_the_producers_trace_from_the_traceparent_header()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == InboxTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();
        var headers = new Headers { { MessageHeaders.TraceParent, Encoding.UTF8.GetBytes($"00-{traceId}-{parentSpan}-01") } };

        using var activity = InboxTelemetry.StartProcess(Records.At(17, "order-1", topic: "orders", partition: 2, headers: headers), "shipping");

        Assert.NotNull(activity);
        Assert.Equal(traceId, activity.TraceId);
        Assert.Equal(parentSpan, activity.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, activity.Kind);
        Assert.Equal("orders process", activity.DisplayName);
        Assert.Equal("shipping", activity.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal(17L, activity.GetTagItem("messaging.kafka.offset"));
    }
}
