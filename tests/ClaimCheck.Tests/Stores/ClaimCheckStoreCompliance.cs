using System.Text;
using Xunit;

namespace Outbox.ClaimCheck.Tests.Stores;

/// <summary>What every <see cref="IClaimCheckStore"/> must do; each store runs it with its own fixture.</summary>
public abstract class ClaimCheckStoreCompliance
{
    /// <summary>A store that holds only this test's blobs.</summary>
    protected abstract ValueTask<IClaimCheckStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_written_blob_reads_back_byte_for_byte()
    {
        var store = await CreateStoreAsync();
        var key = ClaimCheckKey.ForEvent(Guid.CreateVersion7());
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(content);

        await store.PutAsync(key, content, Ct);

        Assert.Equal(content, await store.GetAsync(key, Ct));
    }

    [Fact]
    public async Task A_missing_blob_reads_as_null()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetAsync(ClaimCheckKey.ForEvent(Guid.CreateVersion7()), Ct));
    }

    [Fact]
    public async Task Writing_a_key_again_replaces_the_blob_instead_of_adding_one()
    {
        var store = await CreateStoreAsync();
        var key = ClaimCheckKey.ForEvent(Guid.CreateVersion7());
        await store.PutAsync(key, Encoding.UTF8.GetBytes("first"), Ct);
        await store.PutAsync(key, Encoding.UTF8.GetBytes("second"), Ct);

        Assert.Equal("second", Encoding.UTF8.GetString((await store.GetAsync(key, Ct))!));
        Assert.Equal(1, await store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(5), Ct));
    }

    [Fact]
    public async Task Cleanup_deletes_blobs_older_than_the_cutoff_and_keeps_newer_ones()
    {
        var store = await CreateStoreAsync();
        var key = ClaimCheckKey.ForEvent(Guid.CreateVersion7());
        await store.PutAsync(key, new byte[] { 1, 2, 3 }, Ct);

        Assert.Equal(0, await store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(-5), Ct));
        Assert.NotNull(await store.GetAsync(key, Ct));

        Assert.Equal(1, await store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(5), Ct));
        Assert.Null(await store.GetAsync(key, Ct));
    }
}
