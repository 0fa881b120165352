using System;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>A malformed scenario line: bad JSON, an unknown op, a missing or mistyped field, a clock moved backwards.</summary>
public sealed class ScenarioFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScenarioFormatException()
    {
    }
}
