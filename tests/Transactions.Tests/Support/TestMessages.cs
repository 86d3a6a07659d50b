using Outbox.Messaging;

namespace Outbox.Transactions.Tests.Support;

[MessageType("tests.order-placed")]
public sealed record OrderPlaced(string Key, int Sequence);

[MessageType("tests.order-enriched")]
public sealed record OrderEnriched(string Key, int Sequence, string Note);
