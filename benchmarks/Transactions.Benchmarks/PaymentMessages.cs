using Outbox.Messaging;

namespace Outbox.Transactions.Benchmarks;

/// <summary>A benchmark input; <see cref="Data"/> makes the record about 1 KiB.</summary>
[MessageType("benchmarks.payment-received")]
public sealed record PaymentReceived(string Id, string Data);

/// <summary>The one output per input.</summary>
[MessageType("benchmarks.payment-booked")]
public sealed record PaymentBooked(string Id, string Data);

/// <summary>Books every payment: one output per input, the same size.</summary>
public sealed class BookPayments : IPipelineHandler<PaymentReceived>
{
    public const string OutputTopic = "payments.booked";

    public ValueTask HandleAsync(PaymentReceived message, PipelineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        context.Emit(OutputTopic, new PaymentBooked(message.Id, message.Data));
        return ValueTask.CompletedTask;
    }
}
