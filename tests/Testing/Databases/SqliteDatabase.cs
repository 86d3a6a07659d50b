namespace Outbox.Testing.Databases;

/// <summary>A SQLite database file of its own in the temp directory, for one test class.</summary>
public static class SqliteDatabase
{
    public static string Create(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"outbox-{name}-{Guid.NewGuid():N}.db");
        return $"Data Source={path};Pooling=False";
    }
}
