namespace Outbox.Transactions.Internal.Database;

/// <summary>
/// The application's DbContext type a pipeline keeps its database effects in, registered by <c>WithDatabase</c> as a
/// keyed singleton under the pipeline's name.
/// </summary>
internal sealed record PipelineDatabase(Type ContextType);
