using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Outbox.ClaimCheck.S3;
using Outbox.Testing.Node;
using Xunit;

namespace Outbox.ClaimCheck.Tests.Stores;

/// <summary>The S3 store against s3rver (npm), an S3-compatible server started on a free port per test class.</summary>
public sealed class S3rverStoreTests : ClaimCheckStoreCompliance, IClassFixture<S3rverStoreTests.S3rver>
{
    private readonly S3rver _s3rver;

    public S3rverStoreTests(S3rver s3rver) => _s3rver = s3rver;

    protected override ValueTask<IClaimCheckStore> CreateStoreAsync() => ValueTask.FromResult<IClaimCheckStore>(_s3rver.CreateStore($"claims-{Guid.NewGuid():N}/"));

    public sealed class S3rver : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        private Process? _server;
        private string? _unavailable;
        private AmazonS3Client? _client;

        /// <summary>A store under a new prefix, so each test sees only its own objects.</summary>
        public S3ClaimCheckStore CreateStore(string prefix)
        {
            if (_unavailable is not null)
            {
                NodeTool.SkipOrFail(_unavailable);
            }

            return new(_client ?? throw new InvalidOperationException("s3rver did not start."), "claims", prefix);
        }

        public async ValueTask InitializeAsync()
        {
            _unavailable = NodeTool.MissingBinary("tests/blob-servers", "s3rver");
            if (_unavailable is not null)
            {
                return;
            }

            var binary = NodeTool.BinaryPath("tests/blob-servers", "s3rver");
            var port = NodeTool.FreePort();
            _server = await NodeTool.StartServerAsync(binary,
                ["-d", _directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--configure-bucket", "claims"],
                port, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

            // s3rver accepts its documented fixed credentials.
            _client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
            {
                ServiceURL = $"http://127.0.0.1:{port}",
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
            });
        }

        public ValueTask DisposeAsync()
        {
            _client?.Dispose();
            if (_server is not null)
            {
                NodeTool.Stop(_server);
            }

            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
