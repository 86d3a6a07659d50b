using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Outbox.EmbeddedKafka.State;

namespace Outbox.EmbeddedKafka.Apis;

/// <summary>Every API the broker implements, found once by reflection; ApiVersions answers from it.</summary>
internal sealed class ApiTable
{
    private readonly KafkaApi?[] _byKey;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "API handlers are kept by the assembly that defines them.")]
    public ApiTable(Cluster cluster)
    {
        var apis = typeof(KafkaApi).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(KafkaApi).IsAssignableFrom(t))
            .Select(t => (KafkaApi)Activator.CreateInstance(t, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, null, [cluster], null)!)
            .OrderBy(a => a.Key)
            .ToList();
        _byKey = new KafkaApi?[(int)apis.Max(a => a.Key) + 1];
        foreach (var api in apis)
        {
            _byKey[(int)api.Key] = api;
        }

        All = apis;
    }

    public IReadOnlyList<KafkaApi> All { get; }

    public KafkaApi? Find(short key) => key >= 0 && key < _byKey.Length ? _byKey[key] : null;
}
