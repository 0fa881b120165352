using System;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Packs the identifiers remembered in bulk into value types, so remembering a million of them costs arrays, not a
/// million objects: a draft id (<c>d_</c> and 22 base64url characters, 128 bits) into a <see cref="UInt128"/>, and a
/// draft handle (up to 6 characters of <see cref="HandleAlphabet"/>) into an <see cref="int"/>.
/// </summary>
internal static class CompactKeys
{
    /// <summary>The characters of a draft handle: no look-alikes (no 0/O, 1/I/L, U), so an owner can type one on a phone.</summary>
    public const string HandleAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static bool TryPackDraftId(string id, out UInt128 packed)
    {
        packed = default;
        if (id.Length != 24 || !id.StartsWith("d_", StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        var base64 = string.Concat(id.AsSpan(2), "==").Replace('-', '+').Replace('_', '/');
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }

        packed = new UInt128(BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..]));
        return string.Equals(UnpackDraftId(packed), id, StringComparison.Ordinal); // only ids that round-trip exactly
    }

    public static string UnpackDraftId(UInt128 packed)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, (ulong)(packed >> 64));
        BitConverter.TryWriteBytes(bytes[8..], (ulong)packed);
        return "d_" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'); // as DraftId.New writes them
    }

    /// <summary>A handle as a number: base 31 over the alphabet (0 = no character), so lengths 4 to 6 never collide.</summary>
    public static bool TryPackHandle(string handle, out int packed)
    {
        packed = 0;
        if (handle.Length is 0 or > 6)
        {
            return false;
        }

        foreach (var c in handle)
        {
            var digit = HandleAlphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            packed = (packed * 31) + digit + 1;
        }

        return true;
    }

    public static string UnpackHandle(int packed)
    {
        Span<char> chars = stackalloc char[6];
        var length = 0;
        while (packed > 0)
        {
            chars[length++] = HandleAlphabet[(packed % 31) - 1];
            packed /= 31;
        }

        chars[..length].Reverse();
        return new string(chars[..length]);
    }
}
