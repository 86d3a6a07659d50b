using System.Diagnostics.CodeAnalysis;
using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Dispatch;

/// <summary>
/// Runs records in chains: records of one chain run one after another in offset order, different chains
/// run in parallel, bounded by a limiter shared by every partition of one consume loop (MaxDegreeOfParallelism).
/// The first record of a chain starts it, later records queue behind it, and the chain ends when its queue is
/// empty. An unfinished record halts its chain: no later record of the chain may overtake it. Subclasses only
/// say which chain a record belongs to.
/// </summary>
/// <typeparam name="TChainKey">What records of one chain share.</typeparam>
[SuppressMessage("Design", "CA1001", Justification = "The abort source has no timer or linked registrations to release, and chains abandoned past the abort grace may still read its token.")]
internal abstract class ChainDispatcher<TChainKey> : IRecordDispatcher
    where TChainKey : notnull
{
    private readonly Dictionary<TChainKey, Queue<ConsumedRecord>> _chains = [];
    private readonly HashSet<TChainKey> _halted = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _limiter;
    private readonly RecordProcessor _process;
    private readonly Action<ConsumedRecord, Exception> _onFault;
    private readonly CancellationTokenSource _abort = new();
    private TaskCompletionSource _idle = NewCompletedSignal();
    private int _buffered;
    private long _bufferedBytes;
    private bool _stopped;

    protected ChainDispatcher(SemaphoreSlim limiter, RecordProcessor process, Action<ConsumedRecord, Exception> onFault)
    {
        _limiter = limiter;
        _process = process;
        _onFault = onFault;
    }

    public int Buffered => Volatile.Read(ref _buffered);

    public long BufferedBytes => Volatile.Read(ref _bufferedBytes);

    public void Enqueue(ConsumedRecord record)
    {
        var key = ChainOf(record);
        lock (_lock)
        {
            if (_stopped || _halted.Contains(key))
            {
                return;
            }

            _buffered++;
            _bufferedBytes += record.Size;
            if (_chains.TryGetValue(key, out var waiting))
            {
                waiting.Enqueue(record);
                return;
            }

            if (_chains.Count == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _chains.Add(key, new Queue<ConsumedRecord>());
        }

        _ = Task.Run(() => RunChainAsync(key, record));
    }

    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            foreach (var waiting in _chains.Values)
            {
                Release(waiting);
                waiting.Clear();
            }
        }
    }

    public void Abort() => _abort.Cancel();

    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return _idle.Task;
        }
    }

    /// <summary>The chain <paramref name="record"/> runs in.</summary>
    protected abstract TChainKey ChainOf(ConsumedRecord record);

    private async Task RunChainAsync(TChainKey key, ConsumedRecord first)
    {
        var record = first;
        var token = _abort.Token;
        while (true)
        {
            var finished = false;
            try
            {
                await _limiter.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await _process(record, token).ConfigureAwait(false);
                    finished = true;
                }
                finally
                {
                    _limiter.Release();
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _onFault(record, e);
            }

            lock (_lock)
            {
                _buffered--;
                _bufferedBytes -= record.Size;
                if (!finished || _stopped || !_chains[key].TryDequeue(out var next))
                {
                    if (!finished)
                    {
                        _halted.Add(key);
                    }

                    Release(_chains[key]);
                    _chains.Remove(key);
                    if (_chains.Count == 0)
                    {
                        _idle.TrySetResult();
                    }

                    return;
                }

                record = next;
            }
        }
    }

    /// <summary>Takes dropped records out of the buffer counts; call holding the lock.</summary>
    private void Release(Queue<ConsumedRecord> dropped)
    {
        _buffered -= dropped.Count;
        foreach (var record in dropped)
        {
            _bufferedBytes -= record.Size;
        }
    }

    private static TaskCompletionSource NewCompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }
}
