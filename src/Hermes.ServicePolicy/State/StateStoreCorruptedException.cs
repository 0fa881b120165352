using System;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The durable state cannot be trusted: a record in the middle of the log is damaged, of an unknown type or out of
/// sequence, or the checkpoint does not parse. The store refuses to open rather than start from a silently empty
/// or partial state. The message names the file and the byte offset.
/// </summary>
public sealed class StateStoreCorruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateStoreCorruptedException(string path, long offset, string problem, Exception? innerException = null)
        : base($"The state file '{path}' is corrupt at byte offset {offset}: {problem}. Restore it from a backup; the policy will not start from a partial state.", innerException)
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>Creates the exception.</summary>
    public StateStoreCorruptedException()
        : this(string.Empty, 0, "unknown")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StateStoreCorruptedException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public StateStoreCorruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Gets the damaged file.</summary>
    public string Path { get; }

    /// <summary>Gets the byte offset of the damaged record.</summary>
    public long Offset { get; }
}
