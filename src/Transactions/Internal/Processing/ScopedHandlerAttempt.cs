using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>A handler attempt of a pipeline without a database: a new scope, the handler, nothing else.</summary>
internal sealed class ScopedHandlerAttempt<TMessage>(IServiceScopeFactory scopes) : IHandlerAttempt<TMessage>
    where TMessage : class
{
    public async ValueTask RunAsync(TMessage message, PipelineContext context, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var handler = scope.ServiceProvider.GetRequiredService<IPipelineHandler<TMessage>>();
            await handler.HandleAsync(message, context, cancellationToken).ConfigureAwait(false);
        }
    }
}
