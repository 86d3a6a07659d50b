namespace Outbox.Samples.Demo.Messages;

/// <summary>The topics of the demo. All events of one order share a topic, so the order's key keeps them in sequence.</summary>
public static class Topics
{
    public const string Orders = "orders";

    public const string Payments = "payments";

    public const string Receipts = "receipts";

    public const string Invoices = "invoices";

    /// <summary>Where the inbox puts what it cannot handle (<c>InboxOptions.DeadLetterTopicSuffix</c>).</summary>
    public const string OrdersDeadLetters = Orders + ".dlt";

    public static readonly string[] All = [Orders, Payments, Receipts, Invoices, OrdersDeadLetters, Invoices + ".dlt"];
}
