using System;
using System.IO;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>Replaces a small owner-only JSON file atomically: a reader (or a crash) sees the old file or the new one, never a mix.</summary>
internal static class AtomicJsonFile
{
    /// <summary>Writes a temporary file beside <paramref name="path"/>, flushes it to disk and renames it over the old one.</summary>
    public static void Write(string path, Action<Utf8JsonWriter> write)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using (var writer = new Utf8JsonWriter(stream))
            {
                write(writer);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
