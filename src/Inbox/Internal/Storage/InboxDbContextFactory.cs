using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Outbox.Inbox.Internal.Storage;

/// <summary>Opens a DI scope with the application's DbContext (the one passed to <c>AddInbox</c>), which holds the inbox tables.</summary>
internal sealed class InboxDbContextFactory
{
    private readonly IServiceScopeFactory _scopes;

    public InboxDbContextFactory(IServiceScopeFactory scopes, Type contextType)
    {
        _scopes = scopes;
        ContextType = contextType;
    }

    public Type ContextType { get; }

    public InboxDbScope Open()
    {
        var scope = _scopes.CreateAsyncScope();
        return new InboxDbScope(scope, (DbContext)scope.ServiceProvider.GetRequiredService(ContextType));
    }
}

/// <summary>A DI scope and its DbContext; disposing it disposes both.</summary>
internal sealed class InboxDbScope(AsyncServiceScope scope, DbContext context) : IAsyncDisposable
{
    public IServiceProvider Services => scope.ServiceProvider;

    public DbContext Context => context;

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}
