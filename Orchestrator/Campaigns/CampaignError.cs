using System.Globalization;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>One problem in a campaign file, at a 1-based line and column.</summary>
/// <param name="File">The campaign file as named by the caller.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record CampaignError(string File, int Line, int Column, string Message)
{
    /// <summary><c>FILE:LINE:COLUMN: message</c>, the form compilers use so editors can jump to it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {Message}");
}

/// <summary>A campaign file has errors; <see cref="Errors"/> holds all of them, in file order.</summary>
public sealed class CampaignException : FormatException
{
    /// <summary>Creates the exception from the collected errors (at least one).</summary>
    public CampaignException(IReadOnlyList<CampaignError> errors)
        : base(string.Join(Environment.NewLine, errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>Every error of the file.</summary>
    public IReadOnlyList<CampaignError> Errors { get; }
}
