using Outbox.Samples.Demo.Messages;
using Outbox.Transactions;

namespace Outbox.Samples.Demo.Billing;

/// <summary>
/// Turns each captured payment into a receipt. The pipeline commits the emitted receipt and the payment's consumed
/// offset in one Kafka transaction: every payment gets exactly one receipt, whatever crashes in between.
/// </summary>
public sealed class IssueReceipt : IPipelineHandler<PaymentCaptured>
{
    public ValueTask HandleAsync(PaymentCaptured message, PipelineContext context, CancellationToken cancellationToken)
    {
        context.Emit(Topics.Receipts, new ReceiptIssued(message.OrderId, message.Amount));
        return ValueTask.CompletedTask;
    }
}
