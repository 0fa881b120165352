using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Configuration;

/// <summary>A value given twice is an error naming the key, never a silent override (issue 11, item 12).</summary>
public class DuplicateKeyTests
{
    public static IEnumerable<TestCaseData> Duplicates()
    {
        yield return Case("enabled and Enabled", "Enabled", ("enabled", "true"), ("Enabled", "false"));
        yield return Case("the same key twice", "allow_media", ("allow_media", "true"), ("allow_media", "true"));
        yield return Case("snake and Pascal spellings", "AllowMedia", ("allow_media", "true"), ("AllowMedia", "false"));
        yield return Case("list indexes 0 and 00", "approved_chats:00", ("approved_chats:0", "+34 600 000 001"), ("approved_chats:00", "+34 600 000 002"));
        yield return Case("list index 01", "approved_chats:01", ("approved_chats:01", "+34 600 000 001"));
        yield return Case("a null list entry", "command_prefixes:1", ("command_prefixes:0", "/"), ("command_prefixes:1", null));
        yield return Case("a list item twice", "APPROVED_PATTERNS:0", ("approved_patterns:0", "+34 1004*"), ("APPROVED_PATTERNS:0", "+34 1005*"));
    }

    private static TestCaseData Case(string name, string key, params (string Key, string? Value)[] pairs)
    {
        var values = new List<KeyValuePair<string, string?>>();
        foreach (var (k, v) in pairs)
        {
            values.Add(new(k, v));
        }

        return new TestCaseData(values, key).SetName($"Duplicate: {name}");
    }

    [TestCaseSource(nameof(Duplicates))]
    public void The_reader_refuses_it_naming_the_key(List<KeyValuePair<string, string?>> values, string key)
    {
        Assert.That(ServiceConversationOptionsReader.Read(values, out var errors), Is.Null);
        Assert.That(string.Join("\n", errors), Does.Contain(key));
    }

    [TestCaseSource(nameof(Duplicates))]
    public void WithConfiguration_refuses_it_at_build(List<KeyValuePair<string, string?>> values, string key)
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(async () => await new ServiceConversationPolicyBuilder().UseInMemoryState().WithConfiguration(values).BuildAsync());
        Assert.That(ex!.Message, Does.Contain(key));
    }

    [Test]
    public void A_null_or_empty_list_is_still_an_empty_list()
    {
        var options = ServiceConversationOptionsReader.Read([new("approved_chats", null), new("approved_patterns", "")], out var errors);
        Assert.That(errors, Is.Empty);
        Assert.That(options!.ApprovedChats, Is.Empty);
        Assert.That(options.ApprovedPatterns, Is.Empty);
    }
}
