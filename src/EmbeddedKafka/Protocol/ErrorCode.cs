namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>Kafka protocol error codes, as Apache Kafka numbers them.</summary>
#pragma warning disable CA1028 // Kafka sends these as int16
public enum ErrorCode : short
#pragma warning restore CA1028
{
    /// <summary>The server experienced an unexpected error.</summary>
    UnknownServerError = -1,
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>The requested offset is outside the range of offsets kept for the partition.</summary>
    OffsetOutOfRange = 1,
    /// <summary>The message contents do not match their CRC.</summary>
    CorruptMessage = 2,
    /// <summary>This server does not host this topic-partition.</summary>
    UnknownTopicOrPartition = 3,
    /// <summary>The requested fetch size is invalid.</summary>
    InvalidFetchSize = 4,
    /// <summary>There is no leader for this partition.</summary>
    LeaderNotAvailable = 5,
    /// <summary>This server is not the leader for the partition.</summary>
    NotLeaderOrFollower = 6,
    /// <summary>The request timed out.</summary>
    RequestTimedOut = 7,
    /// <summary>The request included a message larger than the server accepts.</summary>
    MessageTooLarge = 10,
    /// <summary>The coordinator is loading.</summary>
    CoordinatorLoadInProgress = 14,
    /// <summary>The coordinator is not available.</summary>
    CoordinatorNotAvailable = 15,
    /// <summary>This is not the correct coordinator.</summary>
    NotCoordinator = 16,
    /// <summary>The request tried to act on an invalid topic.</summary>
    InvalidTopicException = 17,
    /// <summary>The request included a record batch larger than the segment size.</summary>
    RecordListTooLarge = 18,
    /// <summary>Messages were written to the log, but to fewer in-sync replicas than required.</summary>
    NotEnoughReplicasAfterAppend = 20,
    /// <summary>Produce request specified an invalid value for required acks.</summary>
    InvalidRequiredAcks = 21,
    /// <summary>The generation id of the request is not the current generation.</summary>
    IllegalGeneration = 22,
    /// <summary>The group member's protocol type or protocols are incompatible with the group.</summary>
    InconsistentGroupProtocol = 23,
    /// <summary>The group id is invalid.</summary>
    InvalidGroupId = 24,
    /// <summary>The coordinator is not aware of this member.</summary>
    UnknownMemberId = 25,
    /// <summary>The session timeout is not within the range allowed by the broker.</summary>
    InvalidSessionTimeout = 26,
    /// <summary>The group is rebalancing, so a rejoin is needed.</summary>
    RebalanceInProgress = 27,
    /// <summary>The committing offset data size is not valid.</summary>
    InvalidCommitOffsetSize = 28,
    /// <summary>The timestamp of the message is out of acceptable range.</summary>
    InvalidTimestamp = 32,
    /// <summary>The version of API is not supported.</summary>
    UnsupportedVersion = 35,
    /// <summary>Topic with this name already exists.</summary>
    TopicAlreadyExists = 36,
    /// <summary>Number of partitions is below 1.</summary>
    InvalidPartitions = 37,
    /// <summary>Replication factor is below 1 or larger than the number of available brokers.</summary>
    InvalidReplicationFactor = 38,
    /// <summary>Replica assignment is invalid.</summary>
    InvalidReplicaAssignment = 39,
    /// <summary>Configuration is invalid.</summary>
    InvalidConfig = 40,
    /// <summary>The request is invalid.</summary>
    InvalidRequest = 42,
    /// <summary>The message format version on the broker does not support the request.</summary>
    UnsupportedForMessageFormat = 43,
    /// <summary>The broker received an out of order sequence number.</summary>
    OutOfOrderSequenceNumber = 45,
    /// <summary>The broker received a duplicate sequence number.</summary>
    DuplicateSequenceNumber = 46,
    /// <summary>Producer attempted to produce with an old epoch.</summary>
    InvalidProducerEpoch = 47,
    /// <summary>The producer attempted a transactional operation in an invalid state.</summary>
    InvalidTxnState = 48,
    /// <summary>The producer attempted to use a producer id which is not currently assigned to its transactional id.</summary>
    InvalidProducerIdMapping = 49,
    /// <summary>The transaction timeout is larger than the maximum value allowed by the broker.</summary>
    InvalidTransactionTimeout = 50,
    /// <summary>The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.</summary>
    ConcurrentTransactions = 51,
    /// <summary>Transactional id authorization failed.</summary>
    TransactionalIdAuthorizationFailed = 53,
    /// <summary>The broker did not attempt to execute this operation, because another part of the same batch failed.</summary>
    OperationNotAttempted = 55,
    /// <summary>This exception is raised by the broker if it could not locate the producer metadata.</summary>
    UnknownProducerId = 59,
    /// <summary>Disk error when trying to access log file on the disk.</summary>
    KafkaStorageError = 56,
    /// <summary>The group is not empty.</summary>
    NonEmptyGroup = 68,
    /// <summary>The group id does not exist.</summary>
    GroupIdNotFound = 69,
    /// <summary>The leader epoch in the request is older than the epoch on the broker.</summary>
    FencedLeaderEpoch = 74,
    /// <summary>The leader epoch in the request is newer than the epoch on the broker.</summary>
    UnknownLeaderEpoch = 75,
    /// <summary>The group member needs to have a valid member id before actually entering a consumer group.</summary>
    MemberIdRequired = 79,
    /// <summary>The consumer group has reached its max size.</summary>
    GroupMaxSizeReached = 81,
    /// <summary>The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.</summary>
    FencedInstanceId = 82,
    /// <summary>The broker received a request for a partition that has an offset that is still pending a transaction commit.</summary>
    UnstableOffsetCommit = 88,
    /// <summary>There is a newer producer with the same transactionalId which fences the current one.</summary>
    ProducerFenced = 90,
    /// <summary>The record batch contained invalid records.</summary>
    InvalidRecord = 87,
    /// <summary>The partition has subscribed consumers and the offset cannot be deleted.</summary>
    GroupSubscribedToTopic = 86,
}
