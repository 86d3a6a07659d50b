using Outbox.Messaging;

namespace Outbox.Transactions.Tests.Support;

[MessageType("tests.order-received")]
public sealed record OrderReceived(string Key, int Sequence);

[MessageType("tests.order-reviewed")]
public sealed record OrderReviewed(string Key, int Sequence, string Note);
