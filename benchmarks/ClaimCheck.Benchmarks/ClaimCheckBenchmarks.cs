using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Outbox.ClaimCheck.Stores;

namespace Outbox.ClaimCheck.Benchmarks;

/// <summary>
/// What the claim check costs a message that stays inline (the check on the way out and on the way in),
/// and what a 1 MiB payload costs through the file-system store (check in, then check out).
/// </summary>
[MemoryDiagnoser]
public class ClaimCheckBenchmarks
{
    private readonly byte[] _small = new byte[1024];
    private readonly byte[] _large = new byte[1024 * 1024];
    private readonly Guid _eventId = Guid.CreateVersion7();
    private string _root = "";
    private ClaimCheckProcessor _processor = null!;

    [GlobalSetup]
    public void Setup()
    {
        new Random(7).NextBytes(_small);
        new Random(8).NextBytes(_large);
        _root = Directory.CreateTempSubdirectory("claim-check-bench-").FullName;
        _processor = new ClaimCheckProcessor(new FileSystemClaimCheckStore(_root), Options.Create(new ClaimCheckOptions()));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Description = "1 KiB, claim check in + out (stays inline)")]
    [BenchmarkCategory("inline")]
    public async ValueTask<ReadOnlyMemory<byte>> Inline_check_in_and_out()
    {
        // The caller already has the event id: only the claim check itself is measured.
        var outgoing = await _processor.CheckInAsync(_eventId, _small, CancellationToken.None).ConfigureAwait(false);
        return await _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, CancellationToken.None).ConfigureAwait(false);
    }

    [Benchmark(Description = "1 MiB through the file-system store (in + out)")]
    [BenchmarkCategory("large")]
    public async ValueTask<ReadOnlyMemory<byte>> Large_through_file_system()
    {
        var outgoing = await _processor.CheckInAsync(Guid.CreateVersion7(), _large, CancellationToken.None).ConfigureAwait(false);
        return await _processor.CheckOutAsync(outgoing.ReferenceHeader, outgoing.Value, CancellationToken.None).ConfigureAwait(false);
    }
}
