namespace Outbox.Transactions.PipelineHost;

/// <summary>Emits one <see cref="OrderEnriched"/> per input to <see cref="OutputTopic"/>; a poison input always throws.</summary>
public sealed class EnrichOrders : IPipelineHandler<OrderPlaced>
{
    /// <summary>The topic outputs go to.</summary>
    public const string OutputTopic = "orders.enriched";

    public ValueTask HandleAsync(OrderPlaced message, PipelineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        if (message.Poison)
        {
            throw new InvalidOperationException($"Order {message.Key}/{message.Sequence} is poison.");
        }

        context.Emit(OutputTopic, new OrderEnriched(message.Key, message.Sequence));
        return ValueTask.CompletedTask;
    }
}
