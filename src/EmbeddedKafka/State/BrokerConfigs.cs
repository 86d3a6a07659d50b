using System.Globalization;

namespace Outbox.EmbeddedKafka.State;

/// <summary>The broker configs DescribeConfigs reports, under Kafka's names, from the broker's options.</summary>
internal static class BrokerConfigs
{
    public static IEnumerable<(string Name, string Value)> Describe(EmbeddedKafkaOptions options)
    {
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
        static string Millis(TimeSpan time) => Number((long)time.TotalMilliseconds);

        yield return ("auto.create.topics.enable", options.AutoCreateTopics ? "true" : "false");
        yield return ("broker.id", Number(options.NodeId));
        yield return ("default.replication.factor", "1");
        yield return ("group.initial.rebalance.delay.ms", Millis(options.GroupInitialRebalanceDelay));
        yield return ("group.max.session.timeout.ms", Millis(options.GroupMaxSessionTimeout));
        yield return ("group.min.session.timeout.ms", Millis(options.GroupMinSessionTimeout));
        yield return ("log.cleanup.policy", "delete");
        yield return ("log.retention.bytes", Number(options.RetentionBytes ?? -1));
        yield return ("log.retention.ms", options.RetentionTime is { } retention ? Millis(retention) : "-1");
        yield return ("message.max.bytes", Number(options.MaxMessageBytes));
        yield return ("min.insync.replicas", "1");
        yield return ("num.partitions", Number(options.DefaultPartitions));
        yield return ("offsets.topic.replication.factor", "1");
        yield return ("socket.request.max.bytes", Number(options.MaxRequestSize));
        yield return ("transaction.max.timeout.ms", Millis(options.MaxTransactionTimeout));
        yield return ("transaction.state.log.min.isr", "1");
        yield return ("transaction.state.log.replication.factor", "1");
    }
}
