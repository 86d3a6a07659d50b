using Outbox.Messaging;

namespace Outbox.Samples.Demo.Messages;

/// <summary>Billing's answer to a captured payment, emitted by a transactional pipeline.</summary>
[MessageType("billing.receipt-issued")]
public sealed record ReceiptIssued(string OrderId, decimal Amount);
