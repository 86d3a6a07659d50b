namespace Outbox.Messaging.Tests;

public sealed class MessageTypeRegistryTests
{
    [MessageType("orders.order-placed")]
    public sealed record OrderPlaced(string OrderId);

    [MessageType("orders.order-shipped")]
    public sealed record OrderShipped(string OrderId);

    public sealed record Undeclared(string Value);

    [Fact]
    public void A_declared_type_is_named_by_its_attribute_and_resolved_back_by_name()
    {
        var registry = new MessageTypeRegistry();

        Assert.Equal("orders.order-placed", registry.GetName(typeof(OrderPlaced)));
        Assert.True(registry.TryGetType("orders.order-placed", out var type));
        Assert.Equal(typeof(OrderPlaced), type);
    }

    [Fact]
    public void Scanning_an_assembly_registers_every_declared_type()
    {
        var registry = new MessageTypeRegistry().RegisterFromAssembly(typeof(OrderShipped).Assembly);

        Assert.True(registry.TryGetType("orders.order-shipped", out var type));
        Assert.Equal(typeof(OrderShipped), type);
    }

    [Fact]
    public void An_explicit_registration_names_an_undeclared_type()
    {
        var registry = new MessageTypeRegistry().Register<Undeclared>("tests.undeclared");

        Assert.Equal("tests.undeclared", registry.GetName(typeof(Undeclared)));
    }

    [Fact]
    public void An_unnamed_type_is_refused_with_a_message_saying_how_to_name_it()
    {
        var registry = new MessageTypeRegistry();

        var error = Assert.Throws<InvalidOperationException>(() => registry.GetName(typeof(Undeclared)));
        Assert.Contains("[MessageType", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_name_cannot_be_given_to_two_types()
    {
        var registry = new MessageTypeRegistry().Register<OrderPlaced>("orders.x");

        Assert.Throws<InvalidOperationException>(() => registry.Register<OrderShipped>("orders.x"));
    }

    [Fact]
    public void An_unknown_name_resolves_to_nothing()
    {
        Assert.False(new MessageTypeRegistry().TryGetType("nobody.knows", out _));
    }
}
