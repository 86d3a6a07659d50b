namespace Outbox.Transactions.Benchmarks;

/// <summary><see cref="BookPayments"/> that also inserts a <see cref="Booking"/> row per payment, exactly once.</summary>
public sealed class BookPaymentsInDatabase(BookingDbContext db) : IPipelineHandler<PaymentReceived>
{
    public ValueTask HandleAsync(PaymentReceived message, PipelineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        db.Bookings.Add(new Booking { PaymentId = message.Id });
        context.Emit(BookPayments.OutputTopic, new PaymentBooked(message.Id, message.Data));
        return ValueTask.CompletedTask;
    }
}
