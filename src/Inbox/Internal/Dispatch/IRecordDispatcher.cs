using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Dispatch;

/// <summary>
/// Runs the records of one partition through the pipeline in the order the subscription asks for.
/// Called by the consume loop thread only (<see cref="Enqueue"/>, <see cref="Stop"/>); records run on the thread pool.
/// </summary>
internal interface IRecordDispatcher
{
    /// <summary>Records enqueued and not yet finished (waiting or running); the consume loop pauses the partition above a bound.</summary>
    int Buffered { get; }

    /// <summary>The <see cref="ConsumedRecord.Size"/> of the records in <see cref="Buffered"/>.</summary>
    long BufferedBytes { get; }

    /// <summary>Hands a record over; it runs once the records it must follow have finished.</summary>
    void Enqueue(ConsumedRecord record);

    /// <summary>Starts no further record; waiting records are dropped (uncommitted, so the next owner reads them again).</summary>
    void Stop();

    /// <summary>Cancels records that are running, for a revocation or shutdown that ran out of time.</summary>
    void Abort();

    /// <summary>Completes when no record is running.</summary>
    Task WhenIdleAsync();
}
