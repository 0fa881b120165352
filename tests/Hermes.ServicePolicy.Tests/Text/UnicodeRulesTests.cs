using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Targeting;
using Hermes.ServicePolicy.Text;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Text;

/// <summary>
/// The text rules of SPEC.md that an attack review found open (issue 11, items 3–8 and 13): they must not depend on
/// ICU, must see invisible characters in every plane, and must never throw on text that is not valid Unicode.
/// </summary>
public class UnicodeRulesTests
{
    private static readonly NormalizationForm[] Forms = [NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD];

    [Test]
    public void The_managed_normaliser_agrees_with_icu_for_every_code_point()
    {
        Assert.That("Ma\u0301ma".Normalize(), Is.EqualTo("M\u00E1ma"), "this test compares against ICU and needs it (libicu) in the test process");
        var mismatches = new StringBuilder();
        for (var cp = 0xA0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var text = char.ConvertFromUtf32(cp);
            foreach (var form in Forms)
            {
                string expected;
                try
                {
                    expected = text.Normalize(form);
                }
                catch (ArgumentException)
                {
                    continue; // .NET refuses noncharacters (U+FFFE, U+1FFFF, …) before asking ICU: nothing to compare
                }

                var actual = UnicodeNormalization.Normalize(text, form);
                if (!string.Equals(expected, actual, StringComparison.Ordinal) && mismatches.Length < 2000)
                {
                    mismatches.Append(CultureInfoInvariant($"U+{cp:X4} {form}: ICU {Hex(expected)}, ours {Hex(actual)}\n"));
                }
            }
        }

        Assert.That(mismatches.ToString(), Is.Empty);
    }

    [Test]
    public void The_managed_normaliser_agrees_with_icu_on_random_combining_sequences()
    {
        // Starters that compose, combining marks of several classes, Hangul jamo and syllables, compatibility forms.
        int[] alphabet = [0x41, 0x61, 0x45, 0x4F, 0x55, 0x300, 0x301, 0x302, 0x303, 0x308, 0x323, 0x327, 0x328, 0x331, 0x345, 0x5B0, 0x5B4,
            0x1100, 0x1161, 0x11A8, 0xAC00, 0xAC01, 0x0B47, 0x0B3E, 0x0B57, 0x1E0A, 0x1E0C, 0x212B, 0xFB01, 0xFF21, 0x1D15E, 0x1D165, 0x1D16D, 0x0F73, 0x0F71, 0x0F72];
        var random = new Random(11);
        for (var n = 0; n < 20_000; n++)
        {
            var builder = new StringBuilder();
            for (var i = random.Next(1, 8); i > 0; i--)
            {
                builder.Append(char.ConvertFromUtf32(alphabet[random.Next(alphabet.Length)]));
            }

            var text = builder.ToString();
            foreach (var form in Forms)
            {
                Assert.That(Hex(UnicodeNormalization.Normalize(text, form)), Is.EqualTo(Hex(text.Normalize(form))), $"{Hex(text)} {form}");
            }
        }
    }

    [TestCase(0x0001)]
    [TestCase(0x001F)]
    [TestCase(0x007F)]
    [TestCase(0x0085)]
    [TestCase(0x009F)]
    [TestCase(0x00AD)]
    [TestCase(0x034F)]
    [TestCase(0x115F)]
    [TestCase(0x1160)]
    [TestCase(0x17B4)]
    [TestCase(0x17B5)]
    [TestCase(0x180B)]
    [TestCase(0x180C)]
    [TestCase(0x180D)]
    [TestCase(0x180E)]
    [TestCase(0x180F)]
    [TestCase(0x200B)]
    [TestCase(0x200D)]
    [TestCase(0x202E)]
    [TestCase(0x2066)]
    [TestCase(0x2800)]
    [TestCase(0x3164)]
    [TestCase(0xFE0F)]
    [TestCase(0xFEFF)]
    [TestCase(0xFFA0)]
    [TestCase(0x1BCA0)]
    [TestCase(0x1D173)]
    [TestCase(0x1D17A)]
    [TestCase(0xE0001)]
    [TestCase(0xE0041)]
    [TestCase(0xE007F)]
    [TestCase(0xE0100)]
    [TestCase(0xE01EF)]
    public void Characters_that_render_as_nothing_are_invisible_in_every_plane(int codePoint)
    {
        Assert.That(UnicodeText.IsInvisible(codePoint), Is.True);
        // White space among them (U+0085) separates words in a name; everything else vanishes.
        var expected = UnicodeText.IsWhiteSpace(codePoint) ? "Pay pal" : "Paypal";
        Assert.That(UnicodeText.SanitizeName("Pay" + char.ConvertFromUtf32(codePoint) + "pal"), Is.EqualTo(expected));
        Assert.That(UnicodeText.TrimStartInvisible(char.ConvertFromUtf32(codePoint) + "/x").ToString(), Is.EqualTo("/x"));
    }

    [TestCase('a')]
    [TestCase('/')]
    [TestCase('\u00E1')]
    [TestCase('\u0301')]
    [TestCase('\u4E2D')]
    public void Visible_characters_are_not_invisible(char c) => Assert.That(UnicodeText.IsInvisible(c), Is.False);

    [TestCase("\U000E0020/service pause")]
    [TestCase("\U000E0100/x")]
    [TestCase("\u180B/x")]
    [TestCase("\u17B4/x")]
    [TestCase("\u2800/x")]
    [TestCase("\u0001/x")]
    [TestCase("\u007F/x")]
    [TestCase("\uFF0Fservice")]
    [TestCase("\uFF01x")]
    [TestCase("\U0001D173\uFF0Fx")]
    public void Hidden_and_full_width_command_prefixes_are_found(string text)
    {
        var matcher = new CommandPrefixMatcher(["/", "!"]);
        Assert.That(matcher.Matches(text), Is.True);
    }

    [TestCase("hola /x")]
    [TestCase("\u00BFqu\u00E9 tal?")]
    [TestCase("\u2215x")]
    [TestCase("")]
    [TestCase("\u200B")]
    public void Ordinary_text_is_no_command(string text) => Assert.That(new CommandPrefixMatcher(["/", "!"]).Matches(text), Is.False);

    [Test]
    public void A_full_width_prefix_in_the_configuration_matches_its_ascii_twin()
        => Assert.That(new CommandPrefixMatcher(["\uFF0F"]).Matches("/service"), Is.True);

    [TestCase("\u200B/")]
    [TestCase("/\u200B")]
    [TestCase("\u0301")]
    [TestCase("/\u0301")]
    [TestCase("\U000E0041")]
    [TestCase("\u2170")] // small roman numeral one: NFKC is the letter 'i'
    [TestCase("\uFF41")]
    [TestCase("a")]
    [TestCase("1")]
    [TestCase(" ")]
    [TestCase("/////")]
    [TestCaseSource(nameof(LoneSurrogates))]
    public void Command_prefixes_that_could_never_match_are_configuration_errors(string prefix)
    {
        var result = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { CommandPrefixes = [prefix] });
        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Describe(), Does.Contain("command_prefixes:0"));
    }

    [TestCase("/")]
    [TestCase("!")]
    [TestCase("\uFF0F")]
    [TestCase("\u00BF")]
    [TestCase("\U0001F916")]
    public void Symbol_prefixes_are_accepted(string prefix)
        => Assert.That(ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { CommandPrefixes = [prefix] }).IsValid, Is.True);

    // Built in code: attribute arguments are stored as UTF-8, which cannot hold a lone surrogate.
    public static string[] LoneSurrogates() => [new string((char)0xD800, 1), "Movi" + (char)0xDC00 + "star", "+34 600" + (char)0xD83D, (char)0xDFFF + "/x"];

    [Test]
    public void A_lone_surrogate_is_no_command() => Assert.That(new CommandPrefixMatcher(["/", "!"]).Matches((char)0xD800 + "/x"), Is.False);

    [TestCaseSource(nameof(LoneSurrogates))]
    public async Task A_lone_surrogate_in_a_target_is_invalid_and_never_throws(string target)
    {
        var source = new InMemoryRecentChatSource();
        source.Replace([new RecentChat("34600000001@s.whatsapp.net", "Movistar", false, 1)]);
        var resolver = new ChatTargetResolver(new ChatDirectory(source));
        var result = await resolver.ResolveAsync(target);
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Invalid));
        Assert.That(result.Error, Is.EqualTo(TargetError.InvalidText));
    }

    [Test]
    public void Names_are_sanitised_without_splitting_surrogate_pairs_and_cut_only_for_display()
    {
        var name = new string('x', 63) + "\U0001F600" + "tail";
        Assert.That(UnicodeText.SanitizeDisplayName(name, 64), Is.EqualTo(new string('x', 63)));
        Assert.That(UnicodeText.SanitizeName(name), Is.EqualTo(name));
        Assert.That(UnicodeText.SanitizeName("Iber\u180Bdrola\U0001D173 \u2800 S.A."), Is.EqualTo("Iberdrola S.A."));
    }

#if NET10_0_OR_GREATER // the sample app targets net10.0 only
    [Test]
    public void The_sample_answers_the_text_scenarios_the_same_under_invariant_globalization()
    {
        var directory = TestContext.CurrentContext.TestDirectory;
        var runtimeConfig = File.ReadAllText(Path.Combine(directory, "hermes-policy-sample.runtimeconfig.json"));
        Assert.That(runtimeConfig, Does.Contain("\"System.Globalization.Invariant\": true"), "the sample must run without ICU for this test to mean anything");

        // The same files pass in-process (ScenarioTests, with ICU); here a separate process runs them without ICU.
        foreach (var scenario in new[] { "unicode.jsonl", "targeting.jsonl", "media-and-commands.jsonl", "discovery.jsonl" })
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(directory, "hermes-policy-sample.dll"), "simulate", Path.Combine(directory, "scenarios", scenario)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            Assert.That(process.WaitForExit(120_000), Is.True, $"{scenario} did not finish");
            Assert.That(process.ExitCode, Is.EqualTo(0), $"{scenario}: {errors}\n{output.Result}");
        }
    }
#endif

    private static string Hex(string text)
    {
        var builder = new StringBuilder();
        foreach (var (_, _, codePoint) in UnicodeText.CodePoints(text))
        {
            builder.Append(CultureInfoInvariant($"{codePoint:X4} "));
        }

        return builder.ToString().TrimEnd();
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);
}
