using Outbox.Messaging;

namespace Outbox.Samples.Demo.Messages;

/// <summary>The shop took the payment for an order at checkout; billing issues a receipt.</summary>
[MessageType("payments.payment-captured")]
public sealed record PaymentCaptured(string OrderId, decimal Amount);
