using System;
using System.IO;

namespace Hermes.ServicePolicy.Gateway.Journal;

/// <summary>
/// The gateway's inbound journal is damaged (a line other than a torn last one does not verify), or was written by an
/// earlier version: the gateway does not start, so nothing in it is run and nothing is sent. The message names the
/// file, the line and what is wrong; docs/writing-a-transport.md#the-inbound-journal says how to recover.
/// </summary>
public sealed class InboundJournalCorruptedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InboundJournalCorruptedException()
        : base("The gateway's inbound journal is damaged.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InboundJournalCorruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public InboundJournalCorruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line of the journal.</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="line">The line, counted from 1.</param>
    /// <param name="problem">What is wrong with it.</param>
    public InboundJournalCorruptedException(string path, int line, string problem)
        : base($"The gateway's inbound journal '{path}' is damaged at line {line}: {problem}. The gateway does not start over it: nothing in it is run or sent.")
    {
        FilePath = path;
        Line = line;
    }

    /// <summary>Gets the journal file.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the damaged line, counted from 1.</summary>
    public int Line { get; }
}
