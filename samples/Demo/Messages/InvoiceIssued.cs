using Outbox.Messaging;

namespace Outbox.Samples.Demo.Messages;

/// <summary>An order's invoice, PDF included: far bigger than a Kafka record should be, so it travels by claim check.</summary>
[MessageType("billing.invoice-issued")]
public sealed record InvoiceIssued(string OrderId, byte[] Pdf);
