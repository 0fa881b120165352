#if NET10_0_OR_GREATER
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Hermes.ServicePolicy.OwnerConsole.Pages;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Console;

/// <summary>
/// The owner's console is secure by default (docs/owner-console.md): it serves only signed-in users the host's policy
/// authorizes, only on loopback unless allowed, changes nothing without the form's antiforgery token, renders chat texts
/// inert, and approves only the exact text the owner saw, sending it through the gated sender.
/// </summary>
public class ConsoleSecurityTests
{
    private const string Hostile = "<script>alert('x')</script> pay to \u202Egnp.exe\u202C";

    [Test]
    public async Task An_anonymous_request_is_refused_and_changes_nothing()
    {
        await using var console = await ConsoleHost.StartAsync();
        var draft = await DraftAsync(console, "Hola");

        var page = await console.GetAsync("/service/", user: null);
        var post = await console.PostAsync("/service/drafts/approve", [("draft", draft.Id.ToString()), ("digest", Html.Digest("Hola"))], user: null, withToken: false);

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(console.Policy.GetPendingDrafts().Select(d => d.Id), Is.EqualTo(new[] { draft.Id }));
        Assert.That(console.Transport.Sent, Is.Empty);
    }

    [Test]
    public async Task A_remote_address_is_refused_unless_the_host_allows_it()
    {
        await using (var closed = await ConsoleHost.StartAsync())
        {
            var remote = await closed.GetAsync("/service/", remote: "203.0.113.7");
            Assert.That(remote.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await closed.GetAsync("/service/", remote: "::1")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await using var open = await ConsoleHost.StartAsync(o => o.AllowRemoteRequests = true);
        Assert.That((await open.GetAsync("/service/", remote: "203.0.113.7")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_change_without_the_antiforgery_token_is_refused()
    {
        await using var console = await ConsoleHost.StartAsync();
        var draft = await DraftAsync(console, "Hola");

        var post = await console.PostAsync("/service/drafts/approve", [("draft", draft.Id.ToString()), ("digest", Html.Digest("Hola"))], withToken: false);

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(console.Policy.GetPendingDrafts(), Has.Count.EqualTo(1));
        Assert.That(console.Transport.Sent, Is.Empty);
    }

    [Test]
    public async Task A_draft_holding_markup_and_bidi_characters_is_rendered_inert_under_a_strict_policy()
    {
        await using var console = await ConsoleHost.StartAsync();
        await DraftAsync(console, Hostile);

        var page = await console.GetAsync("/service/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.That(html, Does.Not.Contain("<script>alert"), "the draft's markup is not markup");
        Assert.That(html.Split("<script").Length, Is.EqualTo(2), "one script tag: the console's own");
        Assert.That(html, Does.Contain("&lt;script&gt;"));
        Assert.That(html.IndexOf('\u202E'), Is.EqualTo(-1), "a bidi override is never obeyed (compared by code point: culture rules ignore it)");
        Assert.That(html, Does.Contain("[U+202E]"), "it is shown");
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Not.Contain("unsafe-inline"));
        Assert.That(page.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
    }

    [Test]
    public async Task An_approval_of_a_text_other_than_the_drafts_is_refused()
    {
        await using var console = await ConsoleHost.StartAsync();
        var draft = await DraftAsync(console, "Hola, ¿me ayudan con mi factura?");

        var post = await console.PostAsync("/service/drafts/approve", [("draft", draft.Id.ToString()), ("digest", Html.Digest("Hola, ¿me ayudan con otra cosa?"))]);

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await post.Content.ReadAsStringAsync(), Does.Contain("not the text you saw"));
        Assert.That(console.Policy.GetPendingDrafts(), Has.Count.EqualTo(1));
        Assert.That(console.Transport.Sent, Is.Empty);
    }

    [Test]
    public async Task An_approved_draft_is_sent_once_through_the_gated_sender_and_audited_with_the_users_name()
    {
        await using var console = await ConsoleHost.StartAsync();
        const string text = "Hola, ¿me ayudan con mi factura?";
        var draft = await DraftAsync(console, text);

        var post = await console.PostAsync("/service/drafts/approve", [("draft", draft.Id.ToString()), ("digest", Html.Digest(text))]);
        var again = await console.PostAsync("/service/drafts/approve", [("draft", draft.Id.ToString()), ("digest", Html.Digest(text))]);
        var timeline = await (await console.GetAsync("/service/audit")).Content.ReadAsStringAsync();

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.OK), await post.Content.ReadAsStringAsync());
        Assert.That(await post.Content.ReadAsStringAsync(), Does.Contain("delivered"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a draft is approved once");
        Assert.That(console.Transport.Sent.Select(m => (m.Chat, m.Text)), Is.EqualTo(new[] { (Id(Movistar), text) }));
        var approved = await console.Policy.ReadHistoryAsync(new HistoryQuery()).Where(e => e.Type == PolicyEventType.FirstContactApproved).SingleAsync();
        Assert.That(approved.Actor, Is.EqualTo(ConsoleHost.Owner));
        Assert.That(timeline, Does.Contain("first_contact_sent").And.Contain("first_contact_approved"));
    }

    [Test]
    public async Task A_user_name_the_policy_refuses_as_an_actor_changes_nothing()
    {
        await using var console = await ConsoleHost.StartAsync();
        var draft = await DraftAsync(console, "Hola");

        var post = await console.PostAsync("/service/drafts/approve", [("draft", draft.Id.ToString()), ("digest", Html.Digest("Hola"))], user: "own\u0007er");

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await post.Content.ReadAsStringAsync(), Does.Contain("invalid_actor"));
        Assert.That(console.Transport.Sent, Is.Empty);
    }

    private static async Task<DraftInfo> DraftAsync(ConsoleHost console, string text)
    {
        var decision = await console.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), text, Initiator.Operator));
        Assert.That(decision.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        return console.Policy.GetPendingDrafts().Single(d => d.Id == decision.Draft);
    }
}
#endif
