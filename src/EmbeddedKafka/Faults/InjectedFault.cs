using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.Faults;

/// <summary>One pending fault for one request of an API.</summary>
internal sealed record InjectedFault(ErrorCode? Error, bool AfterHandling, TimeSpan Delay);
