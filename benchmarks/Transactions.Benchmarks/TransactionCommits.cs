using System.Diagnostics.Metrics;
using Outbox.Transactions.Diagnostics;

namespace Outbox.Transactions.Benchmarks;

/// <summary>Calls back after each transaction a pipeline in this process commits (the pipeline's own counter).</summary>
internal sealed class TransactionCommits : IDisposable
{
    private readonly MeterListener _listener = new();

    public TransactionCommits(Action committed)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument, PipelineTelemetry.TransactionsCommitted))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => committed());
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
