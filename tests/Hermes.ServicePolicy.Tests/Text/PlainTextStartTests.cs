using System.Collections.Generic;
using Hermes.ServicePolicy.Configuration;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Text;

/// <summary>
/// The inbound hot path answers "is this text delivered as plain text?" from the text's first character when it can
/// (a 128-bit map of the first characters of the command prefixes and the operator command word). The answer must be
/// the matchers' own, for every first character and every kind of configuration.
/// </summary>
public class PlainTextStartTests
{
    private static IEnumerable<TestCaseData> Configurations()
    {
        yield return new TestCaseData(new[] { "/" }, "/service").SetName("defaults");
        yield return new TestCaseData(new[] { "!", "#", "~~" }, "/service").SetName("several ASCII prefixes");
        yield return new TestCaseData(new[] { "¡" }, "/service").SetName("a prefix that starts outside ASCII");
        yield return new TestCaseData(new[] { "／" }, "/service").SetName("a full-width prefix (ASCII in NFKC)");
        yield return new TestCaseData(new[] { "/" }, ".ops").SetName("an operator word with another first character");
        yield return new TestCaseData(new[] { "/" }, "¿ops").SetName("an operator word that starts outside ASCII");
        yield return new TestCaseData(new[] { "@", "/" }, "@ops").SetName("an operator word sharing a prefix's first character");
    }

    [TestCaseSource(nameof(Configurations))]
    public void The_first_character_shortcut_agrees_with_the_matchers(string[] prefixes, string operatorCommand)
    {
        var configuration = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { CommandPrefixes = [.. prefixes], OperatorCommand = operatorCommand }).Configuration!;
        Assert.That(configuration, Is.Not.Null);
        var flagged = 0;
        for (var c = 0; c < 0x300; c++)
        {
            foreach (var text in new[] { ((char)c).ToString(), (char)c + "hola", (char)c + prefixes[0], (char)c + operatorCommand[1..] + " x" })
            {
                var expected = configuration.IsCommand(text) || configuration.OperatorCommand.StartsWith(text);
                Assert.That(configuration.IsPlainTextOnly(text), Is.EqualTo(expected), $"U+{c:X4} in \"{text}\"");
                flagged += expected ? 1 : 0;
            }
        }

        Assert.That(flagged, Is.GreaterThan(0), "the prefixes and the word flag some texts");
        Assert.That(configuration.IsPlainTextOnly(prefixes[0] + "x"), Is.True);
        Assert.That(configuration.IsPlainTextOnly(operatorCommand + " list"), Is.True);
        Assert.That(configuration.IsPlainTextOnly("\u200B" + prefixes[0] + "x"), Is.True, "after an invisible character");
        Assert.That(configuration.IsPlainTextOnly("Hola, ¿me indica su DNI?"), Is.False);
        Assert.That(configuration.IsPlainTextOnly(string.Empty), Is.False);
    }
}
