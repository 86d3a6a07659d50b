namespace Outbox.Testing.Databases;

/// <summary>The database a test needs cannot be had here; the message says what to set.</summary>
public sealed class DatabaseUnavailableException(string message, bool required) : Exception(message)
{
    /// <summary>Whether the environment demands this database (then the test fails instead of skipping).</summary>
    public bool Required { get; } = required;
}
