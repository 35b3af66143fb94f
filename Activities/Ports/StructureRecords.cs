using ActiveLearning.Atomistics;

namespace ActiveLearning.Activities.Ports;

/// <summary>Where a structure came from, recorded with it for the audit.</summary>
/// <remarks>Generated structures set <see cref="Source"/>, <see cref="Parameters"/> and usually <see cref="Parent"/>;
/// structures found by molecular dynamics also set <see cref="Walker"/>, <see cref="TemperatureK"/> and <see cref="MdStep"/>.</remarks>
public sealed record StructureOrigin
{
    /// <summary>What made the structure, e.g. <c>generate:rattle</c>, <c>generate:ndsc</c>, <c>explore</c>; required.</summary>
    public required string Source { get; init; }

    /// <summary>The maker's parameters in one line (e.g. <c>sigma=0.05 seed=123</c>); default none.</summary>
    public string? Parameters { get; init; }

    /// <summary>The structure it was derived from (e.g. <c>si.vasp#0</c>); default none.</summary>
    public string? Parent { get; init; }

    /// <summary>The MD walker that found it (0-based); default none.</summary>
    public int? Walker { get; init; }

    /// <summary>The walker's temperature, K; default none.</summary>
    public double? TemperatureK { get; init; }

    /// <summary>The MD step at which it was taken; default none.</summary>
    public long? MdStep { get; init; }
}

/// <summary>A structure proposed for the data set, with why it is proposed.</summary>
/// <param name="Structure">The geometry (labels are not stored with it; they come from a label step).</param>
/// <param name="Origin">Where it came from.</param>
/// <param name="Reason">Why it is added, in words (e.g. <c>initial data set</c>, <c>γ 3.2 above 2.1</c>).</param>
/// <param name="Grade">Its extrapolation grade γ, or <see langword="null"/> when it was not graded.</param>
public sealed record NewStructure(Structure Structure, StructureOrigin Origin, string Reason, double? Grade = null);

/// <summary>A structure of the campaign's data set as the store holds it.</summary>
/// <param name="Id">The store's id (1, 2, … in order of addition).</param>
/// <param name="Hash">Its content hash (<see cref="StructureHash"/>).</param>
/// <param name="Iteration">The iteration in which it was added (0 for the initial steps).</param>
/// <param name="Structure">The geometry, with <see cref="Structure.Reference"/> set when it was read with its labels.</param>
public sealed record StoredStructure(long Id, string Hash, int Iteration, Structure Structure);

/// <summary>A fitted model, recorded with the step that made it.</summary>
/// <param name="RelativePath">The model file relative to the work directory (e.g. <c>iterations/003/model.mtp</c>).</param>
/// <param name="Hash">Lowercase hex SHA-256 of the file's bytes.</param>
/// <param name="DatasetHash">Lowercase hex SHA-256 of the training data (see <see cref="IActivityStore.LabelledStructures"/>).</param>
/// <param name="Structures">Training structures.</param>
/// <param name="MetricsJson">Training errors as JSON (energy meV/atom, forces eV/Å, stress GPa).</param>
public sealed record ModelRecord(string RelativePath, string Hash, string DatasetHash, int Structures, string MetricsJson);

/// <summary>What a finished step leaves in the store, committed in one transaction with the step's completion.</summary>
public sealed record StepOutcome
{
    /// <summary>One line for logs and <c>al status</c>; required.</summary>
    public required string Summary { get; init; }

    /// <summary>Structures to add; those already in the store (same content hash) are recorded as rejected duplicates. Default none.</summary>
    public IReadOnlyList<NewStructure> NewStructures { get; init; } = [];

    /// <summary>The model the step fitted, or <see langword="null"/>.</summary>
    public ModelRecord? Model { get; init; }

    /// <summary>The errors of the current model on the validation set, measured by the step, or <see langword="null"/>.</summary>
    public ValidationRecord? Validation { get; init; }
}

/// <summary>The errors of one model on the campaign's fixed validation set, recorded for the stop rules and the audit.</summary>
/// <param name="ModelHash">Lowercase hex SHA-256 of the model file evaluated.</param>
/// <param name="Structures">Validation structures.</param>
/// <param name="EnergyRmseEVPerAtom">Energy RMSE per atom, eV/atom; null when the set has no energies.</param>
/// <param name="ForceRmseEVPerAngstrom">Force-component RMSE, eV/Å; null when the set has no forces.</param>
/// <param name="Survival">Share of survival runs that finished (0–1), or null when none were run.</param>
/// <param name="MetricsJson">Every figure as JSON (errors overall and per config_type; survival runs), for the audit.</param>
public sealed record ValidationRecord(
    string ModelHash, int Structures, double? EnergyRmseEVPerAtom, double? ForceRmseEVPerAngstrom, double? Survival, string MetricsJson)
{
    /// <summary>Survival runs made, or null when none were run.</summary>
    public int? SurvivalRuns { get; init; }

    /// <summary>Survival runs that finished all their steps, or null when none were run.</summary>
    public int? Survived { get; init; }

    /// <summary>RMSE of the model's phonon frequencies against the teacher's over every q-point and branch, THz; null when not compared.</summary>
    public double? PhononRmseTHz { get; init; }

    /// <summary>The largest absolute phonon frequency difference, THz; null when not compared.</summary>
    public double? PhononMaxErrorTHz { get; init; }
}
