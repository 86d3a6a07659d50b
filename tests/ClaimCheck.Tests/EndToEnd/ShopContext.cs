using Microsoft.EntityFrameworkCore;
using Outbox.Inbox;
using Outbox.Messaging;
using Outbox.Transactions;
using Xunit;

namespace Outbox.ClaimCheck.Tests.EndToEnd;

/// <summary>A large document: its content is what must arrive intact.</summary>
[MessageType("docs.document-attached")]
public sealed record DocumentAttached(string Id, string Content);

/// <summary>What the transactional pipeline emits for each document: the content again, so the output is large too.</summary>
[MessageType("docs.document-archived")]
public sealed record DocumentArchived(string Id, string Content);

/// <summary>The application's database: the outbox and the inbox tables.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutbox();
        modelBuilder.AddInboxTables();
    }
}

/// <summary>Collects what the inbox handlers received, by document id.</summary>
public sealed class ReceivedDocuments
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _contents = new();

    public IReadOnlyDictionary<string, string> Contents => _contents;

    public void Add(string id, string content) => _contents[id] = content;
}

public sealed class DocumentAttachedHandler(ReceivedDocuments received) : IMessageHandler<DocumentAttached>
{
    public Task HandleAsync(DocumentAttached message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message.Id, message.Content);
        return Task.CompletedTask;
    }
}

public sealed class DocumentArchivedHandler(ReceivedDocuments received) : IMessageHandler<DocumentArchived>
{
    public Task HandleAsync(DocumentArchived message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message.Id, message.Content);
        return Task.CompletedTask;
    }
}

/// <summary>Archives each attached document: consumes the (claim-checked) input and emits an equally large output.</summary>
public sealed class ArchivingHandler : IPipelineHandler<DocumentAttached>
{
    public const string OutputTopic = "documents.archived";

    public ValueTask HandleAsync(DocumentAttached message, PipelineContext context, CancellationToken cancellationToken)
    {
        context.Emit(OutputTopic, new DocumentArchived(message.Id, message.Content));
        return ValueTask.CompletedTask;
    }
}
