using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Dispatch;

/// <summary>
/// Runs one record to its end (handled, skipped, dead-lettered or parked) and marks it finished.
/// It throws only <see cref="OperationCanceledException"/> when the token is cancelled; anything else
/// is a bug that stops the record's chain so no later record of the key overtakes it.
/// </summary>
internal delegate Task RecordProcessor(ConsumedRecord record, CancellationToken cancellationToken);
