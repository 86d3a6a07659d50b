using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Outbox.ClaimCheck.Internal;

/// <summary>
/// What a claim-checked record carries instead of its payload: the store, the key, the size and the
/// SHA-256 of the payload. Parsing is strict: a reference from a record is untrusted input.
/// </summary>
internal sealed record ClaimCheckReference(string Store, ClaimCheckKey Key, long Size, byte[] Sha256)
{
    private const int MaxLength = 1024;

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("store", Store);
            json.WriteString("key", Key.ToString());
            json.WriteNumber("size", Size);
            json.WriteString("sha256", Convert.ToHexStringLower(Sha256));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static ClaimCheckReference Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxLength)
        {
            throw new ClaimCheckException($"The claim-check reference is {utf8.Length} bytes; a valid one is 1-{MaxLength}.");
        }

        string? store = null, key = null, hash = null;
        long size = -1;
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "store": store = property.Value.GetString(); break;
                    case "key": key = property.Value.GetString(); break;
                    case "size": size = property.Value.GetInt64(); break;
                    case "sha256": hash = property.Value.GetString(); break;
                    default: throw new ClaimCheckException($"The claim-check reference has an unknown field '{Truncate(property.Name)}'.");
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ClaimCheckException("The claim-check reference is not valid JSON of the expected shape.", e);
        }

        if (string.IsNullOrEmpty(store) || store.Length > 64 || !store.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ClaimCheckException("The claim-check reference names no valid store.");
        }

        if (!ClaimCheckKey.TryParse(key, out var parsedKey))
        {
            throw new ClaimCheckException($"The claim-check reference has an invalid key '{Truncate(key ?? "")}'.");
        }

        if (size < 0)
        {
            throw new ClaimCheckException("The claim-check reference has no valid size.");
        }

        if (hash is not { Length: 64 } || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ClaimCheckException("The claim-check reference has no valid SHA-256.");
        }

        return new ClaimCheckReference(store, parsedKey, size, Convert.FromHexString(hash));
    }

    public static ClaimCheckReference Parse(string headerValue) => Parse(Encoding.UTF8.GetBytes(headerValue));

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
