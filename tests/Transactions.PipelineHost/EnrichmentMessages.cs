using Outbox.Messaging;

namespace Outbox.Transactions.PipelineHost;

/// <summary>An input of the end-to-end pipeline: the <paramref name="Sequence"/>-th message of <paramref name="Key"/>.</summary>
[MessageType("pipeline-host.order-placed")]
public sealed record OrderPlaced(string Key, int Sequence, bool Poison = false);

/// <summary>The one output of the end-to-end pipeline per input.</summary>
[MessageType("pipeline-host.order-enriched")]
public sealed record OrderEnriched(string Key, int Sequence);
