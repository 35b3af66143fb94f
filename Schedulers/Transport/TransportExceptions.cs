namespace ActiveLearning.Schedulers.Transport;

/// <summary>
/// The transport itself failed (ssh could not connect or authenticate, a copy failed, a process could not start): the
/// remote work is in an unknown state, so callers should retry later rather than mark a job failed.
/// </summary>
public class TransportException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public TransportException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public TransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the underlying cause.</summary>
    public TransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A command exceeded its time limit; its whole process group was killed before this was thrown.</summary>
public class TransportTimeoutException : TransportException
{
    /// <summary>Creates an exception with no message.</summary>
    public TransportTimeoutException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public TransportTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the underlying cause.</summary>
    public TransportTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
