using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Tests;

/// <summary>
/// Bounds on every wait for a child process (a crash writer, the sample, a packing run): a child that hangs fails its
/// test after the bound, instead of holding the whole run until CI's time is up. The bounds are generous (a loaded,
/// shared machine); they are not measurements.
/// </summary>
internal static class ChildProcessLimits
{
    /// <summary>How long a child may take to print its next line.</summary>
    public static readonly TimeSpan Line = TimeSpan.FromMinutes(2);

    /// <summary>How long a child may take to finish (a pack and restore included).</summary>
    public static readonly TimeSpan Exit = TimeSpan.FromMinutes(10);

    /// <summary>Reads the child's next line, or fails when it prints nothing within <see cref="Line"/>.</summary>
    public static async Task<string?> NextLineAsync(this Process process)
        => await process.StandardOutput.ReadLineAsync().WaitAsync(Line);

    /// <summary>Reads the rest of a stream, or fails when the child keeps it open beyond <see cref="Exit"/>.</summary>
    public static async Task<string> ReadAllAsync(this StreamReader reader)
        => await reader.ReadToEndAsync().WaitAsync(Exit);

    /// <summary>Waits for the child to exit; a child still running after <see cref="Exit"/> is killed and the test fails.</summary>
    public static async Task ExitedAsync(this Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(Exit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the child process {process.Id} did not exit within {Exit}; it was killed");
        }
    }
}
