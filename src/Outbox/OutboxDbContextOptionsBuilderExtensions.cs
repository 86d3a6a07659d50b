using Microsoft.EntityFrameworkCore.Infrastructure;
using Outbox.Internal.Capture;

#pragma warning disable IDE0130 // Declared in EF Core's namespace so the call is found beside UseSqlServer and friends.
namespace Microsoft.EntityFrameworkCore;
#pragma warning restore IDE0130

/// <summary>Switches outbox capture on for a <see cref="DbContext"/>.</summary>
public static class OutboxDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Makes <c>SaveChanges</c> write the messages added to <c>IOutbox</c> in the same transaction as the
    /// entities. <c>services.AddOutbox&lt;TContext&gt;()</c> calls this for you; call it yourself only
    /// when you build the options without dependency injection.
    /// </summary>
    /// <param name="optionsBuilder">The context's options builder.</param>
    /// <returns>The options builder, for chaining.</returns>
    public static DbContextOptionsBuilder UseOutbox(this DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var extension = optionsBuilder.Options.FindExtension<OutboxOptionsExtension>() ?? new OutboxOptionsExtension();
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(extension);
        return optionsBuilder;
    }
}
