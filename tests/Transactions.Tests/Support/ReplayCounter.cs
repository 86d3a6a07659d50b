using System.Diagnostics.Metrics;

namespace Outbox.Transactions.Tests.Support;

/// <summary>Counts one pipeline's <c>outbox.pipeline.records.replayed</c>: inputs whose database effects an earlier attempt had committed.</summary>
internal sealed class ReplayCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _replays;

    public ReplayCounter(string pipeline)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Outbox.Transactions" && instrument.Name == "outbox.pipeline.records.replayed")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outbox.pipeline" && Equals(tag.Value, pipeline))
                {
                    Interlocked.Add(ref _replays, value);
                }
            }
        });
        _listener.Start();
    }

    public long Replays => Interlocked.Read(ref _replays);

    public void Dispose() => _listener.Dispose();
}
