using System;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests;

/// <summary>The suite runs once per shipped target; each pass must really run on that runtime, not a newer one.</summary>
public class RuntimeTests
{
    [Test]
    public void The_tests_run_on_the_runtime_of_their_target()
    {
#if NET10_0_OR_GREATER
        const int expected = 10;
#else
        const int expected = 8;
#endif
        Assert.That(Environment.Version.Major, Is.EqualTo(expected), System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        var library = typeof(Hermes.ServicePolicy.Policy.ServiceConversationPolicy).Assembly;
        Assert.That(library.GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false), Has.Length.EqualTo(1));
        Assert.That(((System.Runtime.Versioning.TargetFrameworkAttribute)library.GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false)[0]).FrameworkName, Does.EndWith($"v{expected}.0"), "the library build of the same target");
    }
}
