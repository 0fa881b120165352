using System.Collections.Generic;
using System.Linq;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Configuration;

public class OptionsReaderTests
{
    private static ServiceConversationOptions? Read(out IReadOnlyList<ConfigurationError> errors, params (string Key, string? Value)[] pairs)
        => ServiceConversationOptionsReader.Read(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)), out errors);

    private static ConfigurationError SingleError(params (string Key, string? Value)[] pairs)
    {
        var options = ServiceConversationOptionsReader.ReadAndValidate(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)), out var errors);
        Assert.That(options, Is.Null);
        Assert.That(errors, Has.Count.EqualTo(1), string.Join("; ", errors));
        return errors[0];
    }

    [Test]
    public void An_empty_configuration_has_every_default_of_the_spec()
    {
        var options = Read(out var errors)!;
        Assert.That(errors, Is.Empty);
        Assert.That(options.Enabled, Is.False);
        Assert.That(options.DefaultMode, Is.EqualTo(ServiceChatMode.DraftFirst));
        Assert.That(options.ApprovedChats, Is.Empty);
        Assert.That(options.ApprovedPatterns, Is.Empty);
        Assert.That(options.AllowAgentInitiatedServiceChats, Is.False);
        Assert.That(options.AutoPromoteRepliedToChats, Is.False);
        Assert.That(options.MaxNewServiceChatsPerDay, Is.EqualTo(3));
        Assert.That(options.RequireExplicitApprovalForFirstContact, Is.True);
        Assert.That(options.AllowMedia, Is.True);
        Assert.That(options.MaxAutoSendsPerChatPerHour, Is.EqualTo(10));
        Assert.That(options.MaxConsecutiveAgentSendsWithoutReply, Is.EqualTo(3));
        Assert.That(options.PendingDraftTtlMinutes, Is.EqualTo(1440));
        Assert.That(options.CommandPrefixes, Is.EqualTo(new[] { "/" }));
        Assert.That(options.StateDirectory, Is.Empty);
        Assert.That(ServiceConversationOptionsValidator.Validate(options).IsValid, Is.True);
    }

    [Test]
    public void Reads_every_snake_case_key()
    {
        var options = Read(out var errors,
            ("enabled", "true"), ("default_mode", "autonomous"), ("approved_chats:0", "+34 600 12 34 56"), ("approved_chats:1", "123@lid"),
            ("approved_patterns:0", "+34 1004*"), ("allow_agent_initiated_service_chats", "TRUE"), ("auto_promote_replied_to_chats", "True"),
            ("max_new_service_chats_per_day", "7"), ("require_explicit_approval_for_first_contact", "false"), ("allow_media", "False"),
            ("max_auto_sends_per_chat_per_hour", "20"), ("max_consecutive_agent_sends_without_reply", "4"), ("pending_draft_ttl_minutes", "60"),
            ("command_prefixes:0", "!"), ("command_prefixes:1", "/"), ("state_directory", "/var/lib/hermes"))!;
        Assert.That(errors, Is.Empty);
        Assert.That(options.Enabled && options.AllowAgentInitiatedServiceChats && options.AutoPromoteRepliedToChats, Is.True);
        Assert.That(options.DefaultMode, Is.EqualTo(ServiceChatMode.Autonomous));
        Assert.That(options.ApprovedChats, Is.EqualTo(new[] { "+34 600 12 34 56", "123@lid" }));
        Assert.That(options.ApprovedPatterns, Is.EqualTo(new[] { "+34 1004*" }));
        Assert.That((options.MaxNewServiceChatsPerDay, options.MaxAutoSendsPerChatPerHour, options.MaxConsecutiveAgentSendsWithoutReply, options.PendingDraftTtlMinutes), Is.EqualTo((7, 20, 4, 60)));
        Assert.That(options.RequireExplicitApprovalForFirstContact || options.AllowMedia, Is.False);
        Assert.That(options.CommandPrefixes, Is.EqualTo(new[] { "!", "/" }));
        Assert.That(options.StateDirectory, Is.EqualTo("/var/lib/hermes"));
        Assert.That(ServiceConversationOptionsValidator.Validate(options).IsValid, Is.True);
    }

    [Test]
    public void Reads_pascal_case_and_upper_case_environment_spellings()
    {
        var options = Read(out var errors, ("Enabled", "true"), ("MAXNEWSERVICECHATSPERDAY", "9"), ("APPROVED_CHATS:0", "34600123456"), ("CommandPrefixes:0", "#"))!;
        Assert.That(errors, Is.Empty);
        Assert.That(options.Enabled, Is.True);
        Assert.That(options.MaxNewServiceChatsPerDay, Is.EqualTo(9));
        Assert.That(options.ApprovedChats.Single(), Is.EqualTo("34600123456"));
        Assert.That(options.CommandPrefixes.Single(), Is.EqualTo("#"));
    }

    [Test]
    public void List_items_keep_their_index_order()
    {
        var options = Read(out _, ("approved_chats:10", "34600000010"), ("approved_chats:2", "34600000002"))!;
        Assert.That(options.ApprovedChats, Is.EqualTo(new[] { "34600000002", "34600000010" }));
    }

    [TestCase(null)]
    [TestCase("")]
    public void A_missing_or_null_list_is_empty(string? value)
    {
        var options = Read(out var errors, ("approved_chats", value), ("approved_patterns", value))!;
        Assert.That(errors, Is.Empty);
        Assert.That(options.ApprovedChats, Is.Empty);
        Assert.That(options.ApprovedPatterns, Is.Empty);
    }

    [Test]
    public void An_unknown_key_is_an_error_naming_it()
    {
        var error = SingleError(("allow_medias", "true"));
        Assert.That(error.Key, Is.EqualTo("allow_medias"));
        Assert.That(error.ToString(), Does.Contain("allow_medias").And.Contain("unknown key"));
    }

    [Test]
    public void The_same_key_in_both_spellings_is_an_error()
    {
        var error = SingleError(("allow_media", "true"), ("AllowMedia", "true"));
        Assert.That(error.Message, Does.Contain("both"));
    }

    [TestCase("maybe")]
    [TestCase("yes")]
    [TestCase("1")]
    [TestCase("0")]
    [TestCase("")]
    [TestCase(null)]
    [TestCase(" true")]
    public void Booleans_are_true_or_false_only(string? value)
    {
        var error = SingleError(("allow_media", value));
        Assert.That((error.Key, error.Value), Is.EqualTo(("allow_media", value)));
        Assert.That(error.Message, Does.Contain("true or false"));
    }

    [TestCase("max_new_service_chats_per_day", "-1")]
    [TestCase("max_new_service_chats_per_day", "1001")]
    [TestCase("max_auto_sends_per_chat_per_hour", "-1")]
    [TestCase("max_auto_sends_per_chat_per_hour", "10001")]
    [TestCase("max_consecutive_agent_sends_without_reply", "-1")]
    [TestCase("max_consecutive_agent_sends_without_reply", "1001")]
    [TestCase("pending_draft_ttl_minutes", "0")]
    [TestCase("pending_draft_ttl_minutes", "10081")]
    public void Numbers_out_of_range_are_errors_naming_key_and_value(string key, string value)
    {
        var error = SingleError((key, value));
        Assert.That((error.Key, error.Value), Is.EqualTo((key, value)));
        Assert.That(error.Message, Does.Contain("between"));
    }

    [TestCase("max_new_service_chats_per_day", "0")]
    [TestCase("max_new_service_chats_per_day", "1000")]
    [TestCase("max_auto_sends_per_chat_per_hour", "0")]
    [TestCase("max_auto_sends_per_chat_per_hour", "10000")]
    [TestCase("max_consecutive_agent_sends_without_reply", "0")]
    [TestCase("max_consecutive_agent_sends_without_reply", "1000")]
    [TestCase("pending_draft_ttl_minutes", "1")]
    [TestCase("pending_draft_ttl_minutes", "10080")]
    public void Range_boundaries_are_accepted(string key, string value)
    {
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([new(key, value)], out var errors), Is.Not.Null, string.Join("; ", errors));
    }

    [TestCase("three")]
    [TestCase("3.5")]
    [TestCase("")]
    [TestCase("99999999999")]
    public void Numbers_that_do_not_parse_are_errors(string value)
    {
        Assert.That(SingleError(("max_new_service_chats_per_day", value)).Message, Does.Contain("whole number"));
    }

    [TestCase("manual")]
    [TestCase("DraftFirst")]
    [TestCase("")]
    public void Unknown_modes_are_errors(string value)
    {
        Assert.That(SingleError(("default_mode", value)).Message, Does.Contain("draft_first, draft_only or autonomous"));
    }

    [TestCase("Movistar", "names are not allowed")]
    [TestCase("120363012345678901@g.us", "one-to-one")]
    [TestCase("status@broadcast", "one-to-one")]
    [TestCase("120363144038483540@newsletter", "one-to-one")]
    [TestCase("abc@s.whatsapp.net", "JID")]
    [TestCase("600 12 34 56", "international prefix")]
    [TestCase("+34 600", "too few digits")]
    [TestCase("", "empty")]
    public void Approved_chats_must_be_one_to_one_chats(string entry, string message)
    {
        var error = SingleError(("approved_chats:0", "34600123456"), ("approved_chats:1", entry));
        Assert.That((error.Key, error.Value), Is.EqualTo(("approved_chats:1", entry)));
        Assert.That(error.Message, Does.Contain(message));
    }

    [TestCase("*", "approve every number")]
    [TestCase("+34*", "at least 6")]
    [TestCase("+34 100*", "at least 6")]
    [TestCase("+34 1004", "ends with a single '*'")]
    [TestCase("+34 10*4*", "only one '*'")]
    [TestCase("**", "only one '*'")]
    [TestCase("abc123456*", "digits")]
    [TestCase("0034 1004 5*", "country calling code")]
    [TestCase("+28 1004 5*", "country calling code")]
    [TestCase("+34 1234 5678 9012 34*", "at most 15")]
    public void Patterns_need_six_fixed_digits_and_never_match_everyone(string pattern, string message)
    {
        var error = SingleError(("approved_patterns:0", pattern));
        Assert.That((error.Key, error.Value), Is.EqualTo(("approved_patterns:0", pattern)));
        Assert.That(error.Message, Does.Contain(message));
    }

    [TestCase("+34 1004*")]
    [TestCase("341004*")]
    [TestCase("+34-600-12*")]
    [TestCase("+1 (415) 555*")]
    public void Valid_patterns_are_accepted(string pattern)
    {
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([new("approved_patterns:0", pattern)], out var errors), Is.Not.Null, string.Join("; ", errors));
    }

    [TestCase("abcd")]
    [TestCase("/1")]
    [TestCase("/////")]
    [TestCase(" ")]
    [TestCase("")]
    public void Command_prefixes_are_short_symbols(string prefix)
    {
        Assert.That(SingleError(("command_prefixes:0", prefix)).Key, Is.EqualTo("command_prefixes:0"));
    }

    [Test]
    public void Command_prefixes_number_one_to_eight()
    {
        var nine = Enumerable.Range(0, 9).Select(i => ($"command_prefixes:{i}", (string?)new string('!', (i % 4) + 1))).ToArray();
        Assert.That(SingleError(nine).Key, Is.EqualTo("command_prefixes"));
        Assert.That(SingleError(("command_prefixes", "")).Key, Is.EqualTo("command_prefixes"), "an empty list leaves no prefix");
    }

    [Test]
    public void A_list_key_given_a_scalar_or_a_scalar_key_given_children_is_an_error()
    {
        Assert.That(Read(out var errors, ("approved_chats", "34600123456")), Is.Null);
        Assert.That(errors.Single().Message, Does.Contain("list"));
        Assert.That(Read(out errors, ("enabled:0", "true")), Is.Null);
        Assert.That(errors.Single().Message, Does.Contain("single value"));
    }

    [Test]
    public void All_errors_are_reported_together()
    {
        ServiceConversationOptionsReader.ReadAndValidate([new("max_new_service_chats_per_day", "5000"), new("approved_patterns:0", "*"), new("approved_chats:0", "Movistar")], out var errors);
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "max_new_service_chats_per_day", "approved_patterns:0", "approved_chats:0" }));
    }

    [Test]
    public void The_validator_copies_the_options_so_later_changes_do_not_leak_in()
    {
        var options = new ServiceConversationOptions { Enabled = true };
        var result = ServiceConversationOptionsValidator.Validate(options);
        options.ApprovedPatterns.Add("*");
        Assert.That(result.IsValid, Is.True);
        Assert.That(result.Describe(), Is.EqualTo("valid"));
    }

    [Test]
    public void A_mode_that_is_not_one_names_the_three()
    {
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([new("default_mode", "auto")], out var errors), Is.Null);
        Assert.That((errors.Single().Key, errors.Single().Message), Is.EqualTo(("default_mode", "must be draft_first, draft_only or autonomous")));
    }

    [Test]
    public void Snake_case_keys_are_listed_in_spec_order()
    {
        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys[0], Is.EqualTo("enabled"));
        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys, Has.Count.EqualTo(27));
        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys[16], Is.EqualTo("send_confirmation_minutes"));
        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys[18], Is.EqualTo("default_region"));
        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys.Skip(19), Is.EqualTo(new[] { "owner_takeover_minutes", "min_seconds_between_agent_sends", "send_jitter_seconds", "max_agent_sends_per_day", "duplicate_send_minutes", "max_pending_drafts", "max_pending_drafts_per_chat", "outbound" }), "the safeguards of the second set, in SPEC order");
    }
}
