#if NET10_0_OR_GREATER
using System.Diagnostics;
using System.IO;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests;

/// <summary>
/// The sample, run as a real process from its own build output (net10.0; the tests build it): the tests' output shares
/// Microsoft.Extensions.Hosting with the ASP.NET Core shared framework (for the fake bridge), which the sample does not run on.
/// </summary>
internal static class SampleProcess
{
    public static string Dll()
    {
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var configuration = testDirectory.Parent!.Name; // bin/<configuration>/net10.0
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Hermes.ServicePolicy.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root!.FullName, "samples", "Hermes.ServicePolicy.Sample", "bin", configuration, "net10.0", "hermes-policy-sample.dll");
    }

    /// <summary>
    /// The sample's gateway with its output redirected, started so that the tests' SIGINT stops it: through
    /// <c>env --default-signal=INT</c> (which then execs <c>dotnet</c>, same process id). A test run started from a
    /// background shell (<c>nohup … &amp;</c>) hands its children SIGINT as ignored, and .NET keeps an ignored signal
    /// ignored: the gateway never saw the stop, each such test waited out its minute, and the gateway ran on after it.
    /// </summary>
    public static ProcessStartInfo Gateway(params string[] arguments) => new("env", ["--default-signal=INT", "dotnet", Dll(), "gateway", .. arguments])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
}
#endif
