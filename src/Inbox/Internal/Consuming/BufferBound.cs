namespace Outbox.Inbox.Internal.Consuming;

/// <summary>
/// How much one partition may hold received but not finished: fetching pauses once either bound is reached and
/// resumes once both are down to half. Pausing is costly (librdkafka drops what it had fetched ahead and the next
/// fetch waits for the one in flight), so the gap between the marks keeps pauses rare and the handlers busy while
/// a resumed partition fetches again.
/// </summary>
internal readonly record struct BufferBound(int MaxRecords, long MaxBytes)
{
    /// <summary>True when a partition holding <paramref name="records"/> of <paramref name="bytes"/> must pause.</summary>
    public bool IsReached(int records, long bytes) => records >= MaxRecords || bytes >= MaxBytes;

    /// <summary>True when a paused partition holding <paramref name="records"/> of <paramref name="bytes"/> may fetch again.</summary>
    public bool IsDrained(int records, long bytes) => records <= MaxRecords / 2 && bytes <= MaxBytes / 2;
}
