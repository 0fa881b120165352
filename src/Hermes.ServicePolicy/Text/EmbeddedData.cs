using System;
using System.Collections.Generic;
using System.IO;

namespace Hermes.ServicePolicy.Text;

/// <summary>Reads the reference data embedded from <c>Data/</c>: its lines, without blank lines and <c>#</c> comments.</summary>
internal static class EmbeddedData
{
    public static IEnumerable<string> Lines(string fileName)
    {
        using var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream("Hermes.ServicePolicy.Data." + fileName)
            ?? throw new InvalidOperationException($"The embedded data file '{fileName}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && trimmed[0] != '#')
            {
                yield return trimmed;
            }
        }
    }
}
