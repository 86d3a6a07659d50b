using System.Diagnostics.CodeAnalysis;
using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Dispatch;

/// <summary>
/// Strict FIFO per partition: one record at a time, in offset order, whatever its key. It still takes
/// a slot of the consume loop's shared limiter so a host's total parallelism stays bounded.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The abort source has no timer or linked registrations to release, and chains abandoned past the abort grace may still read its token.")]
internal sealed class PartitionOrderedDispatcher : IRecordDispatcher
{
    private readonly Queue<ConsumedRecord> _waiting = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _limiter;
    private readonly RecordProcessor _process;
    private readonly Action<ConsumedRecord, Exception> _onFault;
    private readonly CancellationTokenSource _abort = new();
    private TaskCompletionSource _idle = NewCompletedSignal();
    private bool _running;
    private bool _stopped;
    private int _buffered;

    public PartitionOrderedDispatcher(SemaphoreSlim limiter, RecordProcessor process, Action<ConsumedRecord, Exception> onFault)
    {
        _limiter = limiter;
        _process = process;
        _onFault = onFault;
    }

    public int Buffered => Volatile.Read(ref _buffered);

    public void Enqueue(ConsumedRecord record)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _buffered++;
            if (_running)
            {
                _waiting.Enqueue(record);
                return;
            }

            _running = true;
            _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = Task.Run(() => RunAsync(record));
    }

    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            _buffered -= _waiting.Count;
            _waiting.Clear();
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

    private async Task RunAsync(ConsumedRecord first)
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
                if (!finished || _stopped || !_waiting.TryDequeue(out var next))
                {
                    // An unfinished record stops the partition: nothing may overtake it.
                    if (!finished)
                    {
                        _stopped = true;
                        _buffered -= _waiting.Count;
                        _waiting.Clear();
                    }

                    _running = false;
                    _idle.TrySetResult();
                    return;
                }

                record = next;
            }
        }
    }

    private static TaskCompletionSource NewCompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }
}
