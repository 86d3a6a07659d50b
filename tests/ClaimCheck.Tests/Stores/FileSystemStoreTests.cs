using Outbox.ClaimCheck.Stores;

namespace Outbox.ClaimCheck.Tests.Stores;

public sealed class FileSystemStoreTests : ClaimCheckStoreCompliance, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("claim-check-fs-").FullName;

    protected override ValueTask<IClaimCheckStore> CreateStoreAsync() =>
        ValueTask.FromResult<IClaimCheckStore>(new FileSystemClaimCheckStore(Path.Combine(_root, Guid.NewGuid().ToString("N"))));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
