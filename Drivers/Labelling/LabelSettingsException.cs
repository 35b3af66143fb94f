namespace ActiveLearning.Drivers.Labelling;

/// <summary>The labeller's settings cannot run (missing pseudopotential, unknown method, bad profile); nothing was submitted.</summary>
public sealed class LabelSettingsException : ArgumentException
{
    /// <summary>Creates the exception listing every problem.</summary>
    public LabelSettingsException(string program, IReadOnlyList<string> problems)
        : base($"{program} settings cannot run: {string.Join("; ", problems)}.")
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
