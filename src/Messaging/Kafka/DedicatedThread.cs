using System.Collections.Concurrent;

namespace Outbox.Messaging.Kafka;

/// <summary>
/// One thread that runs queued work in order. Blocking Confluent calls run here, so async code awaits a task
/// instead of blocking a thread-pool thread, and a client's calls never overlap.
/// </summary>
internal sealed class DedicatedThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public DedicatedThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread. Once started it runs to completion: there is no cancelling a blocking Kafka call.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                completion.SetResult(work());
            }
#pragma warning disable CA1031 // Every failure belongs to the awaiting caller.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                completion.SetException(exception);
            }
        });
        return completion.Task;
    }

    /// <inheritdoc cref="RunAsync{T}(Func{T})"/>
    public Task RunAsync(Action work) => RunAsync(() =>
    {
        work();
        return true;
    });

    /// <summary>
    /// Runs <paramref name="work"/> on the thread and blocks the caller until it is done. Only for callers that
    /// are themselves on a dedicated thread and must not return before the work is done (a rebalance callback).
    /// </summary>
    public void Run(Action work)
    {
        if (Thread.CurrentThread == _thread)
        {
            work();
            return;
        }

        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        _work.Add(() =>
        {
            try
            {
                work();
            }
#pragma warning disable CA1031 // Rethrown on the calling thread below.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = exception;
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Lets queued work finish, then ends the thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _work.Dispose();
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
