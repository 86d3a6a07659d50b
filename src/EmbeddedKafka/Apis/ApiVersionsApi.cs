using System.Text.RegularExpressions;
using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>
/// ApiVersions (key 18), v0-3: the versions of every implemented API, built from the API table.
/// The response header is v0 even for the flexible v3 body, so any client can read it; a version
/// above 3 is answered in v0 with UNSUPPORTED_VERSION and the list (KIP-511). v3 software names
/// outside Kafka's pattern get INVALID_REQUEST, which makes librdkafka retry with v0.
/// </summary>
internal sealed partial class ApiVersionsApi(Cluster cluster) : KafkaApi<ApiVersionsRequest, ApiVersionsResponse>(cluster)
{
    public override ApiKey Key => ApiKey.ApiVersions;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    public override bool FlexibleResponseHeader(short version) => false;

    public ApiVersionsResponse UnsupportedVersionResponse() => Build(ErrorCode.UnsupportedVersion);

    protected override ValueTask<ApiVersionsResponse?> HandleAsync(RequestContext context, ApiVersionsRequest request, CancellationToken cancellationToken)
    {
        var valid = context.Version < 3 || (SoftwarePattern().IsMatch(request.ClientSoftwareName) && SoftwarePattern().IsMatch(request.ClientSoftwareVersion));
        return ValueTask.FromResult<ApiVersionsResponse?>(Build(valid ? ErrorCode.None : ErrorCode.InvalidRequest));
    }

    protected override ApiVersionsResponse ErrorResponse(RequestContext context, ApiVersionsRequest request, ErrorCode error) => Build(error);

    private ApiVersionsResponse Build(ErrorCode error) => new()
    {
        ErrorCode = (short)error,
        ApiKeys = [.. Cluster.Apis!.All.Select(a => new ApiVersionsResponse.ApiVersion { ApiKey = (short)a.Key, MinVersion = a.MinVersion, MaxVersion = a.MaxVersion })],
    };

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?$")]
    private static partial Regex SoftwarePattern();
}
