using System;
using System.IO;

namespace Hermes.ServicePolicy.Sample.Demo;

/// <summary>Writes the demo for a person: colour on a terminal, plain text when redirected or <c>NO_COLOR</c> is set.</summary>
internal sealed class Terminal
{
    private readonly TextWriter _out;
    private readonly bool _color;

    public Terminal(TextWriter output, bool color)
    {
        _out = output;
        _color = color;
    }

    public static Terminal ForConsole()
        => new(Console.Out, !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));

    public void Heading(string text)
    {
        _out.WriteLine();
        _out.WriteLine(Paint(text, "1;36"));
    }

    public void Line(string text = "") => _out.WriteLine(text);

    public void Allowed(string label, string detail) => _out.WriteLine($"  {Paint("✔ " + label, "32")}  {detail}");

    public void Held(string label, string detail) => _out.WriteLine($"  {Paint("… " + label, "33")}  {detail}");

    public void Denied(string label, string detail) => _out.WriteLine($"  {Paint("✘ " + label, "31")}  {detail}");

    public void Note(string text) => _out.WriteLine($"  {Paint(text, "2")}");

    private string Paint(string text, string code) => _color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
