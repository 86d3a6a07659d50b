using System.Diagnostics;
using Azure.Storage.Blobs;
using Outbox.ClaimCheck.AzureBlob;
using Outbox.Testing.Node;
using Xunit;

namespace Outbox.ClaimCheck.Tests.Stores;

/// <summary>The Azure Blob store against Azurite (npm), started on a free port per test class.</summary>
public sealed class AzuriteStoreTests : ClaimCheckStoreCompliance, IClassFixture<AzuriteStoreTests.Azurite>
{
    private readonly Azurite _azurite;

    public AzuriteStoreTests(Azurite azurite) => _azurite = azurite;

    protected override async ValueTask<IClaimCheckStore> CreateStoreAsync() => await _azurite.CreateStoreAsync($"claims-{Guid.NewGuid():N}");

    public sealed class Azurite : IAsyncLifetime
    {
        // Azurite's documented development account; it only exists inside the local emulator.
        private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        private readonly string _location = Directory.CreateTempSubdirectory("azurite-").FullName;
        private Process? _server;
        private string? _unavailable;
        private string? _connection;

        /// <summary>A store on a new container, so each test sees only its own blobs.</summary>
        public async Task<AzureBlobClaimCheckStore> CreateStoreAsync(string container)
        {
            if (_unavailable is not null)
            {
                NodeTool.SkipOrFail(_unavailable);
            }

            var store = new AzureBlobClaimCheckStore(new BlobContainerClient(_connection ?? throw new InvalidOperationException("Azurite did not start."), container));
            await store.CreateContainerIfNotExistsAsync(TestContext.Current.CancellationToken);
            return store;
        }

        public async ValueTask InitializeAsync()
        {
            _unavailable = NodeTool.MissingBinary("tests/blob-servers", "azurite-blob");
            if (_unavailable is not null)
            {
                return;
            }

            var binary = NodeTool.BinaryPath("tests/blob-servers", "azurite-blob");
            var port = NodeTool.FreePort();
            _server = await NodeTool.StartServerAsync(binary,
                ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", _location, "--silent", "--skipApiVersionCheck", "--loose"],
                port, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            _connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        }

        public ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                NodeTool.Stop(_server);
            }

            Directory.Delete(_location, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
