using System;

namespace Hermes.ServicePolicy.State;

/// <summary>Another writer appended to a shared store after the position a change was decided on; it was not written.</summary>
public sealed class StateConflictException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    public StateConflictException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    public StateConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the cause.</summary>
    public StateConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a change decided at <paramref name="expected"/> when the head was <paramref name="head"/>.</summary>
    public StateConflictException(long expected, long head)
        : base($"The change was decided at event {expected}, but another writer had reached {head}; it was not written.")
    {
        Expected = expected;
        Head = head;
    }

    /// <summary>Gets the position the change was decided on.</summary>
    public long Expected { get; }

    /// <summary>Gets the head another writer reached.</summary>
    public long Head { get; }
}
