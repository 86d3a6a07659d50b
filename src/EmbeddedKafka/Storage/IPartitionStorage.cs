using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Storage;

/// <summary>
/// Where a <see cref="PartitionLog"/> persists itself. Called under <see cref="Cluster.Sync"/>, so
/// calls never overlap; an exception leaves the disk as it was before the call.
/// </summary>
internal interface IPartitionStorage
{
    /// <summary>Writes a batch exactly as the log stores it (base offset set, markers included), before the log adds it.</summary>
    void Append(StoredBatch batch);

    /// <summary>Records a new log start offset and drops whole segments below it.</summary>
    void DeleteBefore(long logStartOffset);
}
