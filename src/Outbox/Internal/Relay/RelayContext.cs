using Microsoft.Extensions.Logging;
using Outbox.ClaimCheck;
using Outbox.Internal.Storage;

namespace Outbox.Internal.Relay;

/// <summary>What every lane of one relay instance shares; <see cref="ClaimCheck"/> is null unless the application registered one.</summary>
internal sealed record RelayContext(
    OutboxOptions Options,
    IOutboxDatabase Database,
    RelaySignal Signal,
    RelayHooks Hooks,
    TimeProvider Time,
    ILogger Logger,
    ClaimCheckProcessor? ClaimCheck = null);
