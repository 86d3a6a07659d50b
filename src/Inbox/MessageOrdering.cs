namespace Outbox.Inbox;

/// <summary>How the records of one partition of a subscription may run relative to each other.</summary>
public enum MessageOrdering
{
    /// <summary>Records with the same key run one after another in offset order; different keys run in parallel up to <see cref="InboxOptions.MaxDegreeOfParallelism"/>.</summary>
    Key = 0,

    /// <summary>One record at a time per partition, in offset order (strict FIFO).</summary>
    Partition = 1,
}
