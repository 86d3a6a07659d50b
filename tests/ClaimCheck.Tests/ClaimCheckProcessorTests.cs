using System.Text;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck.Stores;
using Xunit;

namespace Outbox.ClaimCheck.Tests;

public sealed class ClaimCheckProcessorTests : IDisposable
{
    private const int Threshold = 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("claim-check-").FullName;
    private readonly FileSystemClaimCheckStore _store;
    private readonly ClaimCheckProcessor _processor;

    public ClaimCheckProcessorTests()
    {
        _store = new FileSystemClaimCheckStore(Path.Combine(_root, "blobs"));
        _processor = new ClaimCheckProcessor(_store, Options.Create(new ClaimCheckOptions { ThresholdBytes = Threshold }));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(0, false)]
    [InlineData(Threshold - 1, false)]
    [InlineData(Threshold, false)]
    [InlineData(Threshold + 1, true)]
    [InlineData(5 * 1024 * 1024, true)]
    public async Task Payloads_over_the_threshold_travel_as_a_small_reference_and_come_back_intact(int size, bool claimChecked)
    {
        var payload = Payload(size);
        var eventId = Guid.CreateVersion7();

        var outgoing = await _processor.CheckInAsync(eventId, payload, Ct);

        Assert.Equal(claimChecked, outgoing.IsClaimChecked);
        if (claimChecked)
        {
            Assert.True(outgoing.Value.Length < 300, $"reference of {outgoing.Value.Length} bytes");
            Assert.NotNull(await _store.GetAsync(ClaimCheckKey.ForEvent(eventId), Ct));
        }
        else
        {
            Assert.Equal(payload, outgoing.Value.ToArray());
        }

        var incoming = await _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, Ct);
        Assert.Equal(payload, incoming.ToArray());
    }

    [Fact]
    public async Task A_retried_publish_rewrites_the_same_blob_instead_of_adding_one()
    {
        var eventId = Guid.CreateVersion7();
        var first = await _processor.CheckInAsync(eventId, Payload(4096), Ct);
        var second = await _processor.CheckInAsync(eventId, Payload(4096), Ct);

        Assert.Equal(first.Value.ToArray(), second.Value.ToArray());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_deleted_blob_is_a_clear_failure_naming_the_key()
    {
        var eventId = Guid.CreateVersion7();
        var outgoing = await _processor.CheckInAsync(eventId, Payload(4096), Ct);
        await _store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct);

        var error = await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, Ct).AsTask());
        Assert.Contains(ClaimCheckKey.ForEvent(eventId).ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_blob_is_detected_by_its_hash()
    {
        var eventId = Guid.CreateVersion7();
        var outgoing = await _processor.CheckInAsync(eventId, Payload(4096), Ct);
        var tampered = Payload(4096);
        tampered[100] ^= 0xFF;
        await _store.PutAsync(ClaimCheckKey.ForEvent(eventId), tampered, Ct);

        var error = await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, Ct).AsTask());
        Assert.Contains("altered", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"store":"fs","key":"../../etc/passwd","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"store":"fs","key":"/etc/passwd","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"store":"fs","key":"0123456789ABCDEF0123456789ABCDEF","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"store":"fs","key":"0123456789abcdef0123456789abcdef/..","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"store":"../fs","key":"0123456789abcdef0123456789abcdef","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"store":"fs","key":"0123456789abcdef0123456789abcdef","size":-1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"store":"fs","key":"0123456789abcdef0123456789abcdef","size":1,"sha256":"zz"}""")]
    [InlineData("""{"store":"fs","key":"0123456789abcdef0123456789abcdef","size":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000000","path":"/"}""")]
    [InlineData("""not json""")]
    [InlineData("")]
    public async Task Malicious_or_malformed_references_are_refused(string reference)
    {
        var header = Encoding.UTF8.GetBytes(reference);

        await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckOutAsync(header, header, Ct).AsTask());
    }

    [Fact]
    public async Task An_oversized_reference_is_refused_before_parsing()
    {
        var header = Encoding.UTF8.GetBytes(new string(' ', 100_000));

        var error = await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckOutAsync(header, header, Ct).AsTask());
        Assert.Contains("100000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reference_to_another_store_is_refused()
    {
        var other = new ClaimCheckProcessor(new FileSystemClaimCheckStore(Path.Combine(_root, "other"), "archive"), Options.Create(new ClaimCheckOptions { ThresholdBytes = Threshold }));
        var outgoing = await other.CheckInAsync(Guid.CreateVersion7(), Payload(4096), Ct);

        var error = await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, Ct).AsTask());
        Assert.Contains("archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_replaced_by_a_symbolic_link_is_not_followed()
    {
        var secret = Path.Combine(_root, "secret.txt");
        await File.WriteAllTextAsync(secret, "not for you", Ct);
        var eventId = Guid.CreateVersion7();
        var outgoing = await _processor.CheckInAsync(eventId, Payload(4096), Ct);
        var key = ClaimCheckKey.ForEvent(eventId).ToString();
        var blob = Path.Combine(_root, "blobs", key[..2], key);
        File.Delete(blob);
        File.CreateSymbolicLink(blob, secret);

        var error = await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, Ct).AsTask());
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fan_out_directory_replaced_by_a_symbolic_link_is_not_followed()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        var eventId = Guid.CreateVersion7();
        var key = ClaimCheckKey.ForEvent(eventId).ToString();
        Directory.CreateSymbolicLink(Path.Combine(_root, "blobs", key[..2]), elsewhere);

        await Assert.ThrowsAsync<ClaimCheckException>(() => _processor.CheckInAsync(eventId, Payload(4096), Ct).AsTask());
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public void Invalid_options_fail_with_a_message_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ClaimCheckProcessor(_store, Options.Create(new ClaimCheckOptions { ThresholdBytes = 0 })));
        Assert.Contains("ThresholdBytes", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Payload(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        return payload;
    }
}
