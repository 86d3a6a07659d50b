namespace Outbox.ClaimCheck;

/// <summary>A claim-checked payload that cannot be resolved: a bad reference, a missing blob or a hash mismatch.</summary>
public sealed class ClaimCheckException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClaimCheckException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    /// <param name="message">What is wrong, for people and dead-letter headers.</param>
    public ClaimCheckException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ClaimCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
