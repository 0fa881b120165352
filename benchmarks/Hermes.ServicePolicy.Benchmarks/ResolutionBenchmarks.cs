using System.Linq;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.PhoneNumbers;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Target resolution: a phone number in human form, a JID, a name among 1 000 recent chats, and a national number
/// read for a default region with the phone-number package (not on the gating hot path; reported).
/// </summary>
[MemoryDiagnoser]
public class ResolutionBenchmarks
{
    private ChatTargetResolver _resolver = null!;
    private ChatTargetResolver _national = null!;

    [GlobalSetup]
    public void Setup()
    {
        var source = new InMemoryRecentChatSource();
        source.Replace(Enumerable.Range(0, 1000).Select(i => new RecentChat($"346{i:00000000}@s.whatsapp.net", i == 500 ? "Movistar" : $"Contact {i}", false, 1_795_000_000 + i)));
        _resolver = new ChatTargetResolver(new ChatDirectory(source));
        _national = new ChatTargetResolver(new ChatDirectory(source), null, new LibPhoneNumberParser(), "ES");
    }

    [Benchmark(Description = "resolve \"+34 600 12 34 56\"")]
    public bool Phone() => _resolver.ResolveAsync("+34 600 12 34 56").Result.IsResolved;

    [Benchmark(Description = "resolve \"34600123456@s.whatsapp.net\"")]
    public bool Jid() => _resolver.ResolveAsync("34600123456@s.whatsapp.net").Result.IsResolved;

    [Benchmark(Description = "resolve the name \"Movistar\" among 1 000 recent chats")]
    public bool Name() => _resolver.ResolveAsync("Movistar").Result.IsResolved;

    [Benchmark(Description = "resolve the national number \"600 12 34 56\" (default_region ES, libphonenumber)")]
    public bool National() => _national.ResolveAsync("600 12 34 56").Result.IsResolved;

    [Benchmark(Description = "resolve \"+34 600 12 34 56\" with a default region (international: the core's rules)")]
    public bool InternationalWithRegion() => _national.ResolveAsync("+34 600 12 34 56").Result.IsResolved;
}
