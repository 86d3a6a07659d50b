using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Outbox.Samples.Demo.Shop;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without running the demo (which starts a broker).</summary>
public sealed class DesignTimeShopContextFactory : IDesignTimeDbContextFactory<ShopContext>
{
    public ShopContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ShopContext>().UseSqlite("Data Source=demo.db").Options);
}
