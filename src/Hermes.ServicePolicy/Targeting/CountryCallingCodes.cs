using System;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// The ITU-T E.164 country calling codes in use, loaded once from the embedded copy of
/// <c>country-calling-codes.txt</c> (libphonenumber metadata). The codes are prefix-free, so the first match wins.
/// </summary>
internal static class CountryCallingCodes
{
    private static readonly bool[] Assigned = Load();

    /// <summary>Gets whether <paramref name="code"/> (1 to 3 digits) is an assigned country calling code.</summary>
    public static bool IsAssigned(int code) => code is > 0 and < 1000 && Assigned[code];

    /// <summary>Finds the country calling code that starts <paramref name="digits"/> (ASCII digits, no <c>+</c>).</summary>
    /// <returns>The code, or 0 when no assigned code starts the digits.</returns>
    public static int Match(ReadOnlySpan<char> digits)
    {
        var code = 0;
        for (var i = 0; i < 3 && i < digits.Length; i++)
        {
            code = (code * 10) + (digits[i] - '0');
            if (IsAssigned(code))
            {
                return code;
            }
        }

        return 0;
    }

    /// <summary>Finds the country calling code of an international number given as an integer.</summary>
    /// <returns>The code, or 0 when no assigned code starts the number.</returns>
    public static int Match(ulong number)
    {
        Span<char> digits = stackalloc char[20];
        number.TryFormat(digits, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
        return Match(digits[..n]);
    }

    private static bool[] Load()
    {
        var assigned = new bool[1000];
        foreach (var line in EmbeddedData.Lines("country-calling-codes.txt"))
        {
            assigned[int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)] = true;
        }

        return assigned;
    }
}
