namespace Outbox.ClaimCheck;

/// <summary>The value to publish and, when the payload went to the store, the reference header's value.</summary>
/// <param name="Value">The record value: the payload itself, or the reference.</param>
/// <param name="ReferenceHeader">The value of <see cref="ClaimCheckHeaders.Reference"/>; null when the payload travels inline.</param>
public readonly record struct ClaimCheckedPayload(ReadOnlyMemory<byte> Value, ReadOnlyMemory<byte>? ReferenceHeader)
{
    /// <summary>Whether the payload went to the store.</summary>
    public bool IsClaimChecked => ReferenceHeader is not null;
}
