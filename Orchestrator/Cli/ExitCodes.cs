namespace ActiveLearning.Orchestrator.Cli;

/// <summary>The exit codes of <c>al</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The work failed (a run, a computation, an I/O error).</summary>
    public const int Failed = 1;

    /// <summary>Bad input: malformed file, unknown option, invalid value.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped on request (Ctrl-C, or SIGTERM for a campaign run), as shells report SIGINT; nothing partial is left.</summary>
    public const int Cancelled = 130;
}
