using Confluent.Kafka;

namespace Outbox.Internal.Relay;

/// <summary>
/// One lane's transactional producer. Confluent's transaction calls block the calling thread for
/// up to their timeout, so every one of them runs here on a thread of its own, never on the relay's
/// async flow; nothing else in the relay calls them. A cancelled produce is never taken as unsent:
/// the transaction is aborted instead, which is the only way to know it is not in Kafka.
/// </summary>
internal sealed class TransactionalProducer : IDisposable
{
    private readonly IProducer<string?, byte[]> _producer;
    private readonly TimeSpan _timeout;

    public TransactionalProducer(ProducerConfig config, TimeSpan timeout)
    {
        _timeout = timeout;
        _producer = new ProducerBuilder<string?, byte[]>(config)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, _) => { })
            .Build();
    }

    public Task InitTransactionsAsync() => OffThread(() => _producer.InitTransactions(_timeout));

    public void BeginTransaction() => _producer.BeginTransaction();

    public Task<DeliveryResult<string?, byte[]>> ProduceAsync(TopicPartition partition, Message<string?, byte[]> message) =>
        _producer.ProduceAsync(partition, message, CancellationToken.None);

    public Task<DeliveryResult<string?, byte[]>> ProduceAsync(string topic, Message<string?, byte[]> message) =>
        _producer.ProduceAsync(topic, message, CancellationToken.None);

    public Task CommitTransactionAsync() => OffThread(() => _producer.CommitTransaction(_timeout));

    public Task AbortTransactionAsync() => OffThread(() => _producer.AbortTransaction(_timeout));

    public void Dispose() => _producer.Dispose();

    private static Task OffThread(Action call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
