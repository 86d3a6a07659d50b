using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Outbox.Messaging;

/// <summary>
/// Maps message classes to stable type names and back. Producers write the name into the
/// <see cref="MessageHeaders.Type"/> header; consumers resolve the name to the class to deserialize,
/// which is how one topic can carry several message types. Names are registered explicitly or
/// declared with <see cref="MessageTypeAttribute"/>; CLR type names are never put on the wire.
/// </summary>
public sealed class MessageTypeRegistry
{
    private readonly ConcurrentDictionary<Type, string> _names = new();
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="T">The message class.</typeparam>
    /// <param name="name">The stable type name.</param>
    /// <returns>This registry, for chaining.</returns>
    public MessageTypeRegistry Register<T>(string name) => Register(typeof(T), name);

    /// <summary>Registers <paramref name="type"/> under <paramref name="name"/>.</summary>
    /// <param name="type">The message class.</param>
    /// <param name="name">The stable type name.</param>
    /// <returns>This registry, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The name or the type is already registered differently.</exception>
    public MessageTypeRegistry Register(Type type, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_writeLock)
        {
            if (_types.TryGetValue(name, out var existingType) && existingType != type)
            {
                throw new InvalidOperationException(
                    $"Message type name '{name}' is already registered for {existingType.FullName}; it cannot also name {type.FullName}.");
            }

            if (_names.TryGetValue(type, out var existingName) && existingName != name)
            {
                throw new InvalidOperationException(
                    $"{type.FullName} is already registered as '{existingName}'; it cannot also be registered as '{name}'.");
            }

            _types[name] = type;
            _names[type] = name;
        }

        return this;
    }

    /// <summary>Registers every class in <paramref name="assembly"/> that carries a <see cref="MessageTypeAttribute"/>.</summary>
    /// <param name="assembly">The assembly to scan.</param>
    /// <returns>This registry, for chaining.</returns>
    public MessageTypeRegistry RegisterFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<MessageTypeAttribute>() is { } attribute)
            {
                Register(type, attribute.Name);
            }
        }

        return this;
    }

    /// <summary>The stable name of <paramref name="type"/>; a type declared with <see cref="MessageTypeAttribute"/> is registered on first use.</summary>
    /// <param name="type">The message class.</param>
    /// <returns>The stable type name.</returns>
    /// <exception cref="InvalidOperationException">The type has no registered or declared name.</exception>
    public string GetName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_names.TryGetValue(type, out var name))
        {
            return name;
        }

        if (type.GetCustomAttribute<MessageTypeAttribute>() is { } attribute)
        {
            Register(type, attribute.Name);
            return attribute.Name;
        }

        throw new InvalidOperationException(
            $"{type.FullName} has no message type name: register it with MessageTypeRegistry.Register or declare it with [MessageType(\"…\")].");
    }

    /// <summary>Finds the class registered under <paramref name="name"/>.</summary>
    /// <param name="name">The stable type name from the <see cref="MessageHeaders.Type"/> header.</param>
    /// <param name="type">The registered class, when found.</param>
    /// <returns>Whether the name is registered.</returns>
    public bool TryGetType(string name, [NotNullWhen(true)] out Type? type) => _types.TryGetValue(name, out type);
}
