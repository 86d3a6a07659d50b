using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Outbox.Internal.Storage;

namespace Outbox.Internal.Capture;

/// <summary>
/// The outbox state of one <see cref="DbContext"/> instance: messages added since the last
/// <c>SaveChanges</c>, rows captured by <c>SaveChanges</c> and waiting for the commit, and the rows
/// being inserted by the commit in progress. It is a scoped service of EF Core's internal service
/// provider, so it lives and dies with the context (and is reset when a pooled context is returned);
/// the interceptors, which may be shared, keep nothing.
/// </summary>
internal sealed class OutboxContextState : IResettableService
{
    private readonly List<PendingOutboxMessage> _pending = [];
    private readonly List<CapturedOutboxMessage> _captured = [];
    private List<CapturedOutboxMessage>? _committing;

    /// <summary>The dialect of the context's provider, resolved on the first insert.</summary>
    public OutboxSqlDialect? Dialect { get; set; }

    /// <summary>The context's transaction behaviour before capture forced a transaction around one save.</summary>
    public AutoTransactionBehavior? RestoreAutoTransactionBehavior { get; set; }

    public void Add(PendingOutboxMessage message) => _pending.Add(message);

    /// <summary>
    /// Serializes the pending messages into rows. Rows of a commit that failed come back first,
    /// so retrying <c>SaveChanges</c> after a failed commit writes them again.
    /// </summary>
    public bool Capture()
    {
        if (_committing is { } failed)
        {
            _captured.InsertRange(0, failed);
            _committing = null;
        }

        foreach (var message in _pending)
        {
            _captured.Add(message.Factory.Capture(message));
        }

        _pending.Clear();
        return _captured.Count > 0;
    }

    /// <summary>Hands the captured rows to the commit that is about to happen.</summary>
    public IReadOnlyList<CapturedOutboxMessage> BeginCommit()
    {
        if (_captured.Count == 0)
        {
            return [];
        }

        _committing = [.. _captured];
        _captured.Clear();
        return _committing;
    }

    /// <summary>The commit succeeded: the rows are in the database; wake the lanes they belong to.</summary>
    public void Committed()
    {
        if (_committing is not { } committed)
        {
            return;
        }

        _committing = null;
        foreach (var (signal, lane) in committed.Select(m => (m.Signal, m.Lane)).Distinct())
        {
            signal.Set(lane);
        }
    }

    /// <summary>The transaction rolled back: nothing it captured may ever be published.</summary>
    public void RolledBack()
    {
        _captured.Clear();
        _committing = null;
    }

    public void ResetState()
    {
        _pending.Clear();
        _captured.Clear();
        _committing = null;
        RestoreAutoTransactionBehavior = null;
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }
}
