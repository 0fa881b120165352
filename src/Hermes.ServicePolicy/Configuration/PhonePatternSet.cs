using System;
using System.Collections.Generic;
using System.Globalization;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// The <c>approved_patterns</c> as a digit trie: a phone number matches when a pattern's fixed digits are a prefix
/// of it. A lookup walks at most 15 nodes, whatever the number of patterns, and allocates nothing.
/// </summary>
internal sealed class PhonePatternSet
{
    public static readonly PhonePatternSet Empty = new([]);

    // _children[node * 10 + digit] is the child node index, 0 for none (node 0 is the root, never a child).
    private readonly int[] _children;
    private readonly bool[] _terminal;

    public PhonePatternSet(IReadOnlyList<string> prefixes)
    {
        var children = new List<int>(10);
        var terminal = new List<bool> { false };
        children.AddRange(new int[10]);
        foreach (var prefix in prefixes)
        {
            var node = 0;
            foreach (var c in prefix)
            {
                var slot = (node * 10) + (c - '0');
                if (children[slot] == 0)
                {
                    children[slot] = terminal.Count;
                    terminal.Add(false);
                    children.AddRange(new int[10]);
                }

                node = children[slot];
            }

            terminal[node] = true;
        }

        _children = [.. children];
        _terminal = [.. terminal];
        Count = prefixes.Count;
    }

    public int Count { get; }

    public bool Matches(ulong phoneNumber)
    {
        if (Count == 0 || phoneNumber == 0)
        {
            return false;
        }

        Span<char> digits = stackalloc char[20];
        phoneNumber.TryFormat(digits, out var n, default, CultureInfo.InvariantCulture);
        var node = 0;
        for (var i = 0; i < n; i++)
        {
            node = _children[(node * 10) + (digits[i] - '0')];
            if (node == 0)
            {
                return false;
            }

            if (_terminal[node])
            {
                return true;
            }
        }

        return false;
    }
}
