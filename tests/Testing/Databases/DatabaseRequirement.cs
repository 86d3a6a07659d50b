namespace Outbox.Testing.Databases;

/// <summary>
/// Whether a missing database is a skip or a failure: CI lists the databases it must have in
/// <c>OUTBOX_REQUIRE</c> (for example <c>postgres,node</c>), and for those a missing server fails the test.
/// </summary>
public static class DatabaseRequirement
{
    public const string Variable = "OUTBOX_REQUIRE";

    public static bool IsRequired(string name) =>
        (Environment.GetEnvironmentVariable(Variable) ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(name, StringComparer.OrdinalIgnoreCase);
}
