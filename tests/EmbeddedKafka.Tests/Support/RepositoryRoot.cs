namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>The checkout the tests run from: the nearest directory above the test binaries holding Outbox.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Directory = new(Find);

    public static string Path => Directory.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Outbox.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Outbox.sln in {AppContext.BaseDirectory} or any directory above it.");
    }
}
