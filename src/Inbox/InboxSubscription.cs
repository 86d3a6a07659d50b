namespace Outbox.Inbox;

/// <summary>A topic the inbox consumes and how its records are ordered.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Ordering">The ordering of the topic's records.</param>
public sealed record InboxSubscription(string Topic, MessageOrdering Ordering);
