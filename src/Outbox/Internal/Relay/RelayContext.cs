using Microsoft.Extensions.Logging;
using Outbox.Internal.Storage;

namespace Outbox.Internal.Relay;

/// <summary>What every lane of one relay instance shares.</summary>
internal sealed record RelayContext(
    OutboxOptions Options,
    IOutboxDatabase Database,
    RelaySignal Signal,
    RelayHooks Hooks,
    TimeProvider Time,
    ILogger Logger);
