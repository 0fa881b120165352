using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Hermes.ServicePolicy.OwnerConsole.Pages;

/// <summary>
/// The console's HTML, built by hand so that nothing is rendered raw: every value goes through <see cref="Text"/>, which
/// HTML-encodes it and shows control and invisible format characters (bidi overrides, zero-width characters) as visible
/// code points, so a chat's text can neither run as markup nor reorder what the owner reads.
/// </summary>
internal static class Html
{
    /// <summary>Appends <paramref name="value"/> inert.</summary>
    public static StringBuilder Text(this StringBuilder html, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return html;
        }

        var plain = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var hidden = category is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || (category == UnicodeCategory.Control && rune.Value is not ('\n' or '\t'));
            if (!hidden)
            {
                plain.Append(rune.ToString());
                continue;
            }

            // The text so far encoded, then the code point as plain ASCII markup: visible, never obeyed.
            html.Append(HtmlEncoder.Default.Encode(plain.ToString())).Append("[U+").Append(rune.Value.ToString("X4", CultureInfo.InvariantCulture)).Append(']');
            plain.Clear();
        }

        return html.Append(HtmlEncoder.Default.Encode(plain.ToString()));
    }

    /// <summary>The digest an approval form carries of the exact text the owner saw (hex SHA-256 of its UTF-8).</summary>
    public static string Digest(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Opens a form that posts to <paramref name="action"/> with the request's antiforgery token.</summary>
    public static StringBuilder Form(this StringBuilder html, string action, AntiforgeryTokenSet tokens)
        => html.Append("<form method=\"post\" action=\"").Text(action).Append("\"><input type=\"hidden\" name=\"")
            .Text(tokens.FormFieldName).Append("\" value=\"").Text(tokens.RequestToken).Append("\">");

    /// <summary>Appends a hidden field.</summary>
    public static StringBuilder Hidden(this StringBuilder html, string name, string value)
        => html.Append("<input type=\"hidden\" name=\"").Text(name).Append("\" value=\"").Text(value).Append("\">");

    /// <summary>Appends a submit button and closes the form.</summary>
    public static StringBuilder Submit(this StringBuilder html, string label)
        => html.Append("<button type=\"submit\">").Text(label).Append("</button></form>");

    /// <summary>The whole page around <paramref name="body"/>: navigation, the console's stylesheet and its one script (live updates).</summary>
    public static string Page(string prefix, string title, StringBuilder body)
    {
        var page = new StringBuilder(body.Length + 1024);
        page.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            .Text(title).Append(" · Service conversations</title><link rel=\"stylesheet\" href=\"").Text(prefix).Append("/console.css\"><script src=\"").Text(prefix).Append("/console.js\" defer></script></head><body><nav>");
        foreach (var (path, label) in new[] { ("/", "Drafts"), ("/chats", "Chats"), ("/audit", "Audit"), ("/status", "Status") })
        {
            page.Append("<a href=\"").Text(prefix + path).Append("\">").Text(label).Append("</a> ");
        }

        return page.Append("</nav><main><h1>").Text(title).Append("</h1>").Append(body).Append("</main></body></html>").ToString();
    }

    /// <summary>The console's only stylesheet (served from the console, as the Content-Security-Policy allows).</summary>
    public const string Stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; }
        nav { background: #12372a; padding: .6rem 1rem; } nav a { color: #fff; margin-right: 1rem; text-decoration: none; }
        main { padding: 1rem; } table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; vertical-align: top; }
        pre.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-family: inherit; } form { display: inline; } button { margin: .1rem; }
        .result { padding: .6rem; border: 1px solid #999; } .denied { border-color: #b00020; }
        """;
}
