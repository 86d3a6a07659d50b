using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Outbox.Transactions.Diagnostics;

/// <summary>
/// Traces and metrics of transactional pipelines, both named <c>Outbox.Transactions</c>. Every instrument is
/// tagged with the pipeline name; a processing span continues the input's W3C <c>traceparent</c>.
/// </summary>
internal static class PipelineTelemetry
{
    public const string Name = "Outbox.Transactions";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> RecordsConsumed = Meter.CreateCounter<long>(
        "outbox.pipeline.records.consumed", "{record}", "Input records handled inside a transaction (counted again when a transaction is retried).");

    public static readonly Counter<long> RecordsProduced = Meter.CreateCounter<long>(
        "outbox.pipeline.records.produced", "{record}", "Output records produced inside a transaction.");

    public static readonly Counter<long> RecordsDeadLettered = Meter.CreateCounter<long>(
        "outbox.pipeline.records.dead_lettered", "{record}", "Input records sent to the dead-letter topic.");

    public static readonly Counter<long> RecordsReplayed = Meter.CreateCounter<long>(
        "outbox.pipeline.records.replayed", "{record}", "Inputs whose database effects an earlier attempt had committed: outputs produced again, database untouched.");

    public static readonly Counter<long> TransactionsCommitted = Meter.CreateCounter<long>(
        "outbox.pipeline.transactions.committed", "{transaction}", "Transactions committed.");

    public static readonly Counter<long> TransactionsAborted = Meter.CreateCounter<long>(
        "outbox.pipeline.transactions.aborted", "{transaction}", "Transactions aborted (errors, rebalances, shutdown).");

    public static readonly Counter<long> ProducersRecreated = Meter.CreateCounter<long>(
        "outbox.pipeline.producers.recreated", "{producer}", "Transactional producers rebuilt after fencing or a fatal error.");

    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "outbox.pipeline.commit.duration", "ms", "Time to send the offsets and commit one transaction.");

    public static KeyValuePair<string, object?> PipelineTag(string pipeline) => new("outbox.pipeline", pipeline);
}
