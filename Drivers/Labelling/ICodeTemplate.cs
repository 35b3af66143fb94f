using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Outputs;

namespace ActiveLearning.Drivers.Labelling;

/// <summary>
/// The pure half of a code driver: turns a structure and settings into input files and a directory of outputs into a
/// <see cref="CodeResult"/>. No processes are started here; <see cref="CodeProfile"/> says how the code runs.
/// </summary>
/// <typeparam name="TSettings">The code's settings record (immutable; corrections make modified copies).</typeparam>
public interface ICodeTemplate<TSettings>
    where TSettings : notnull
{
    /// <summary>The program name recorded as the label's method, e.g. <c>pw.x</c>.</summary>
    string Program { get; }

    /// <summary>The prefix of task names, e.g. <c>qe</c> (letters, digits, '.', '_', '-').</summary>
    string TaskPrefix { get; }

    /// <summary>The files to bring back from a task's work directory.</summary>
    IReadOnlyList<string> OutputFiles { get; }

    /// <summary>The shell arguments after the executable, e.g. <c>-in pw.in &gt; pw.out</c>.</summary>
    string Arguments { get; }

    /// <summary>The settings as they run on a machine: the profile's pseudopotential directory replaces the settings' one.</summary>
    TSettings ForProfile(TSettings settings, CodeProfile profile);

    /// <summary>A canonical text of everything in the settings that shapes a label (hashed into the settings hash); machine
    /// paths are left out so the same calculation on two machines has one hash.</summary>
    string Describe(TSettings settings);

    /// <summary>Every problem of the settings for these structures (empty when they can run), without starting anything.</summary>
    /// <param name="settings">The settings as they will run (after <see cref="ForProfile"/>).</param>
    /// <param name="structures">The structures to label.</param>
    /// <param name="filesAreLocal">Whether files the settings name (pseudopotentials, parameter directories) are on this
    /// machine and can be checked.</param>
    IReadOnlyList<string> FindProblems(TSettings settings, IReadOnlyList<Structure> structures, bool filesAreLocal);

    /// <summary>The input files (relative path → text) for one structure.</summary>
    /// <exception cref="ArgumentException">The settings do not fit the structure.</exception>
    IReadOnlyDictionary<string, string> WriteInputs(Structure structure, TSettings settings);

    /// <summary>Reads the outputs in <paramref name="directory"/>; a missing or unreadable output is
    /// <see cref="OutputStatus.Incomplete"/>, never an exception.</summary>
    CodeResult ParseOutputs(string directory);
}
