using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ActiveLearning.Drivers.Cp2k;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.Drivers.Vasp;

namespace ActiveLearning.Orchestrator.Campaigns;

/// <summary>A parsed, validated campaign file: what to learn, from which teacher, on which machines, in which steps.</summary>
/// <remarks>Built only by <see cref="CampaignParser"/>; every path is resolved against the campaign file's directory.</remarks>
public sealed record Campaign
{
    /// <summary>The campaign's name (letters, digits, '.', '_', '-'); required.</summary>
    public required string Name { get; init; }

    /// <summary>Where the campaign keeps its state; default <c>runs/NAME</c> next to the campaign file.</summary>
    public required CampaignPath Workdir { get; init; }

    /// <summary>The seed of every random choice of the campaign (≥ 0); default 1.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The element symbols the potential covers, in type order; required, non-empty, no repeats.</summary>
    public required ImmutableArray<string> Species { get; init; }

    /// <summary>The potential being learned; required.</summary>
    public required ModelSpec Model { get; init; }

    /// <summary>Where the reference labels come from; required.</summary>
    public required ReferenceSpec Reference { get; init; }

    /// <summary>The machines by name; default one cluster <c>local</c> of kind local.</summary>
    public required ImmutableSortedDictionary<string, ClusterSpec> Clusters { get; init; }

    /// <summary>How the model is fitted; default <see cref="FitSpec"/>'s defaults.</summary>
    public FitSpec Fit { get; init; } = new();

    /// <summary>Steps run once before the loop (usually generating the initial data set); default none.</summary>
    public ImmutableArray<CampaignStep> Initial { get; init; } = [];

    /// <summary>The learning loop; required.</summary>
    public required LoopSpec Loop { get; init; }

    /// <summary>
    /// Steps run once after a stop rule ended the loop (fit and validate only), e.g. a last fit that refines the radial
    /// functions, too costly for every iteration; default none. They run as one more iteration that adds no structure.
    /// </summary>
    public ImmutableArray<CampaignStep> Final { get; init; } = [];
}

/// <summary>A path from a campaign file: as written (hashed, so moving a campaign keeps its hash) and resolved.</summary>
/// <param name="Written">The path as the file gives it.</param>
/// <param name="FullPath">The absolute path, relative ones taken against the campaign file's directory.</param>
public sealed record CampaignPath(string Written, string FullPath)
{
    /// <inheritdoc/>
    public override string ToString() => FullPath;
}

/// <summary>The model being learned: a Moment Tensor Potential (<c>kind: mtp</c>) or SNAP (<c>kind: snap</c>, see <see cref="Snap"/>).</summary>
[JsonConverter(typeof(ModelSpecJsonConverter))]
public sealed record ModelSpec
{
    /// <summary>The kind of model: <c>mtp</c> (default) or <c>snap</c>.</summary>
    public string Kind { get; init; } = "mtp";

    /// <summary>The SNAP settings when <see cref="Kind"/> is <c>snap</c> (then the MTP settings below do not apply); otherwise null.</summary>
    public SnapModelSpec? Snap { get; init; }

    /// <summary>The MTP level, even, 2–28; default 10.</summary>
    public int Level { get; init; } = 10;

    /// <summary>Smallest interatomic distance the radial basis covers, Å (&gt; 0); default 2.0.</summary>
    public double MinDist { get; init; } = 2.0;

    /// <summary>The cutoff, Å (&gt; min_dist); default 5.0.</summary>
    public double MaxDist { get; init; } = 5.0;

    /// <summary>Number of radial basis functions (2–32); default 8.</summary>
    public int RadialBasisSize { get; init; } = 8;
}

/// <summary>Where labels come from: a teacher potential, or a quantum code on a cluster.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PotentialReference), "potential")]
[JsonDerivedType(typeof(CodeReference), "code")]
public abstract record ReferenceSpec;

/// <summary><c>kind: potential</c>: a teacher potential evaluated in-process (for tests and demonstrations).</summary>
/// <param name="Potential">The potential specification as <c>al eval --potential</c> takes it, e.g. <c>sw</c>; required.</param>
public sealed record PotentialReference(string Potential) : ReferenceSpec;

/// <summary><c>kind: quantum-espresso | cp2k | vasp</c>: a DFT code run on a cluster.</summary>
/// <param name="Code">quantum-espresso, cp2k or vasp.</param>
/// <param name="On">The cluster that runs it; required and defined under <c>clusters</c> in a campaign (in a standalone
/// reference file for <c>al label</c> it is optional, default <c>local</c>, and <c>--cluster</c> decides).</param>
public sealed record CodeReference(string Code, string On) : ReferenceSpec
{
    /// <summary>The pw.x settings (kind quantum-espresso), or <see langword="null"/> when the block gives none.</summary>
    public QuantumEspressoSettings? QuantumEspresso { get; init; }

    /// <summary>The CP2K settings (kind cp2k), or <see langword="null"/> when the block gives none.</summary>
    public Cp2kSettings? Cp2k { get; init; }

    /// <summary>The VASP settings (kind vasp: <c>potcar_dir</c>, <c>potcars</c>, <c>encut</c> in eV, k-points, <c>ismear</c>,
    /// <c>sigma</c> in eV, <c>ediff</c> in eV, <c>nelm</c>, <c>algo</c>, <c>prec</c>, <c>amix</c>, <c>spin_polarized</c>,
    /// <c>magmom</c> in μB), or <see langword="null"/> when the block gives none.</summary>
    public VaspSettings? Vasp { get; init; }

    /// <summary>How the code runs (<c>command</c>, <c>mpi</c>, <c>ranks</c>, <c>environment</c>); default the program from PATH, serial.</summary>
    public CodeProfile? Profile { get; init; }

    /// <summary>Most error-handler corrections per structure (≥ 0); default 3.</summary>
    public int MaxCorrections { get; init; } = 3;
}

/// <summary>A machine that runs jobs.</summary>
public sealed record ClusterSpec
{
    /// <summary><c>local</c> (this machine) or <c>slurm</c>; required.</summary>
    public required string Kind { get; init; }

    /// <summary>Cores to use on a local cluster (≥ 1); default: all processors.</summary>
    public int? Cores { get; init; }

    /// <summary>How to reach a remote cluster; default none (commands run on this machine).</summary>
    public SshSpec? Ssh { get; init; }

    /// <summary>The directory for runs on the cluster; required with <c>ssh</c>. The engine puts a campaign's runs in
    /// <c>REMOTE_ROOT/NAME-KEY</c> (KEY: eight hex digits of the campaign's own), so campaigns may share it.</summary>
    public string? RemoteRoot { get; init; }

    /// <summary>The SLURM partition; default the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>Most jobs queued at once (≥ 1); default 50.</summary>
    public int MaxQueued { get; init; } = 50;

    /// <summary>Labelling tasks packed into one job (≥ 1); default 1.</summary>
    public int TasksPerJob { get; init; } = 1;

    /// <summary>Extra scheduler resources (e.g. <c>time: "01:00:00"</c>, <c>nodes: 1</c>); default none.</summary>
    public ImmutableSortedDictionary<string, string> Resources { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>An SSH connection.</summary>
public sealed record SshSpec
{
    /// <summary>The host name; required.</summary>
    public required string Host { get; init; }

    /// <summary>The port (1–65535); default 22.</summary>
    public int Port { get; init; } = 22;

    /// <summary>The user; default the SSH configuration's.</summary>
    public string? User { get; init; }

    /// <summary>The private key; default the SSH configuration's.</summary>
    public CampaignPath? IdentityFile { get; init; }

    /// <summary>The known-hosts file; default ~/.ssh/known_hosts.</summary>
    public CampaignPath? KnownHostsFile { get; init; }

    /// <summary>An ssh_config file; default ~/.ssh/config.</summary>
    public CampaignPath? ConfigFile { get; init; }
}

/// <summary>How models are fitted.</summary>
public sealed record FitSpec
{
    /// <summary>Loss weights; default energy 1, forces 0.01, stress 0.001.</summary>
    public FitWeights Weights { get; init; } = new();

    /// <summary>Weight of the L2 penalty on the coefficients (≥ 0); default 0.</summary>
    public double Regularisation { get; init; }

    /// <summary>
    /// L-BFGS steps refining the MTP's radial functions after each linear fit (0–1000); default 0 (linear fit only). Each
    /// step costs about one linear fit per radial coefficient, and never raises the training loss.
    /// </summary>
    public int RefineSteps { get; init; }
}

/// <summary>Loss weights, each ≥ 0 and not all zero.</summary>
/// <param name="Energy">Weight of energies per atom; default 1.</param>
/// <param name="Forces">Weight of force components; default 0.01.</param>
/// <param name="Stress">Weight of stress components; default 0.001.</param>
public sealed record FitWeights(double Energy = 1.0, double Forces = 0.01, double Stress = 0.001);

/// <summary>The learning loop.</summary>
public sealed record LoopSpec
{
    /// <summary>Most iterations (≥ 1); default 20.</summary>
    public int MaxIterations { get; init; } = 20;

    /// <summary>The steps of one iteration, in order; required, non-empty.</summary>
    public required ImmutableArray<CampaignStep> Steps { get; init; }

    /// <summary>When to stop before <see cref="MaxIterations"/>; default never.</summary>
    public StopRule StopWhen { get; init; } = new();
}

/// <summary>Stop rules; the loop stops when any given one holds.</summary>
public sealed record StopRule
{
    /// <summary>Stop after this many iterations in a row selected nothing (≥ 1); default none.</summary>
    public int? QuietIterations { get; init; }

    /// <summary>Stop when the validation energy RMSE is below this, eV/atom (&gt; 0); default none.</summary>
    public double? EnergyRmse { get; init; }

    /// <summary>Stop when the validation force RMSE is below this, eV/Å (&gt; 0); default none.</summary>
    public double? ForceRmse { get; init; }

    /// <summary>
    /// Stop when the share of the last validate step's survival runs that finished reaches this (0 &lt; s ≤ 1); default none.
    /// Left out of the definition hash when not set, so campaigns without it keep their hashes.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Survival { get; init; }
}

/// <summary>One step of a campaign.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "step")]
[JsonDerivedType(typeof(GenerateStep), "generate")]
[JsonDerivedType(typeof(ExploreStep), "explore")]
[JsonDerivedType(typeof(SelectStep), "select")]
[JsonDerivedType(typeof(LabelStep), "label")]
[JsonDerivedType(typeof(FitStep), "fit")]
[JsonDerivedType(typeof(ValidateStep), "validate")]
public abstract record CampaignStep
{
    /// <summary>The step's keyword in the campaign file.</summary>
    [JsonIgnore]
    public abstract string Keyword { get; }

    /// <summary>Where the step is written in its campaign file; not part of the definition hash.</summary>
    [JsonIgnore]
    public StepLocation? Location { get; init; }

    /// <summary>Steps are equal when they mean the same: the same kind and settings, wherever they are written.</summary>
    public virtual bool Equals(CampaignStep? other) => other is not null && EqualityContract == other.EqualityContract;

    /// <inheritdoc/>
    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>The place of a step in its campaign file, for messages that point at it.</summary>
/// <param name="Path">The step's path in the file, e.g. <c>loop.steps[1]</c>.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record StepLocation(string Path, int Line, int Column);

/// <summary><c>generate:</c> adds candidate structures from a generator.</summary>
/// <param name="Generator">The generator and its parameters.</param>
public sealed record GenerateStep(GeneratorSpec Generator) : CampaignStep
{
    /// <inheritdoc/>
    public override string Keyword => "generate";
}

/// <summary>A structure generator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(NdscGenerator), "ndsc")]
[JsonDerivedType(typeof(RandomGenerator), "random")]
[JsonDerivedType(typeof(RattleGenerator), "rattle")]
public abstract record GeneratorSpec;

/// <summary><c>kind: ndsc</c> (alias non-diagonal-supercells): supercells of a primitive cell, rattled and strained.</summary>
public sealed record NdscGenerator : GeneratorSpec
{
    /// <summary>The primitive cell's structure file; required and must exist.</summary>
    public required CampaignPath Primitive { get; init; }

    /// <summary>Largest supercell determinant (≥ 1); required.</summary>
    public required int Grid { get; init; }

    /// <summary>Gaussian displacement σ, Å (≥ 0); default 0.</summary>
    public double Rattle { get; init; }

    /// <summary>Largest random strain component (0–0.5); default 0.</summary>
    public double Strain { get; init; }

    /// <summary>Randomised copies of each supercell (≥ 1); default 1.</summary>
    public int Copies { get; init; } = 1;

    /// <summary>Isotropic length scale factors (&gt; 0); default [1].</summary>
    public ImmutableArray<double> Scales { get; init; } = [1.0];
}

/// <summary><c>kind: random</c>: random cells with random positions.</summary>
public sealed record RandomGenerator : GeneratorSpec
{
    /// <summary>Number of structures (≥ 1); required.</summary>
    public required int Count { get; init; }

    /// <summary>Atoms per structure, [lo, hi] inclusive (1 ≤ lo ≤ hi); required.</summary>
    public required IntRange Atoms { get; init; }

    /// <summary>Volume per atom, Å³, [lo, hi] (0 &lt; lo ≤ hi); required.</summary>
    public required DoubleRange VolumePerAtom { get; init; }

    /// <summary>Smallest interatomic distance, Å (&gt; 0); default 1.5.</summary>
    public double MinSeparation { get; init; } = 1.5;

    /// <summary>Space group number to impose (1–230); default none.</summary>
    public int? Symmetry { get; init; }

    /// <summary>Relative amount of each species (symbols of <c>species</c>, weights &gt; 0); default equal.</summary>
    public ImmutableSortedDictionary<string, double> Composition { get; init; } = ImmutableSortedDictionary<string, double>.Empty;
}

/// <summary><c>kind: rattle</c>: rattled copies of structures from a file.</summary>
public sealed record RattleGenerator : GeneratorSpec
{
    /// <summary>The structure file; required and must exist.</summary>
    public required CampaignPath Source { get; init; }

    /// <summary>Gaussian displacement σ, Å (&gt; 0); required.</summary>
    public required double Sigma { get; init; }

    /// <summary>Copies per structure (≥ 1); default 1.</summary>
    public int Copies { get; init; } = 1;
}

/// <summary><c>explore:</c> molecular dynamics with the current model, extrapolation-graded.</summary>
public sealed record ExploreStep : CampaignStep
{
    /// <inheritdoc/>
    public override string Keyword => "explore";

    /// <summary>Independent MD runs (≥ 1); default 1.</summary>
    public int Walkers { get; init; } = 1;

    /// <summary>nvt, npt or nve; default nvt.</summary>
    public string Ensemble { get; init; } = "nvt";

    /// <summary>Temperature, K: one value, or [lo, hi] spread over the walkers (&gt; 0); required.</summary>
    public required DoubleRange Temperature { get; init; }

    /// <summary>MD steps per walker (≥ 1); required.</summary>
    public required int Steps { get; init; }

    /// <summary>Time step, fs (&gt; 0); default 1.</summary>
    public double Timestep { get; init; } = 1.0;

    /// <summary>Extrapolation thresholds; default select 2, break 10.</summary>
    public GradeThresholds Grade { get; init; } = new();

    /// <summary>Target pressure of ensemble npt, GPa (ASE's sign: positive compresses); default none: 0 GPa.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PressureSchedule? Pressure { get; init; }

    /// <summary>A melt–quench or a list of (step, K) points; default none: each walker's temperature is constant.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TemperatureScheduleSpec? TemperatureSchedule { get; init; }

    /// <summary>Walkers start only from training structures with at least this many atoms (≥ 1); default none: any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StartMinAtoms { get; init; }
}

/// <summary>Extrapolation grade thresholds: 1 ≤ select &lt; break.</summary>
/// <param name="Select">γ above which a structure becomes a candidate; default 2.</param>
/// <param name="Break">γ above which a walker stops; default 10.</param>
public sealed record GradeThresholds(double Select = 2.0, double Break = 10.0);

/// <summary><c>select:</c> picks the candidates to label.</summary>
public sealed record SelectStep : CampaignStep
{
    /// <inheritdoc/>
    public override string Keyword => "select";

    /// <summary>maxvol, committee, random or fps; default maxvol.</summary>
    public string Method { get; init; } = "maxvol";

    /// <summary>Most structures selected per iteration (≥ 1); required.</summary>
    public required int Limit { get; init; }
}

/// <summary><c>label:</c> computes reference labels for the selected structures.</summary>
/// <param name="On">The cluster to label on; must be defined; default <c>local</c>.</param>
public sealed record LabelStep(string On) : CampaignStep
{
    /// <inheritdoc/>
    public override string Keyword => "label";
}

/// <summary><c>fit:</c> refits the model on all labelled data with the campaign's <see cref="FitSpec"/>.</summary>
/// <param name="RefineSteps">Overrides <see cref="FitSpec.RefineSteps"/> for this step (0–1000); default none.</param>
public sealed record FitStep(int? RefineSteps) : CampaignStep
{
    /// <summary>
    /// Whether a new model worse than the one in use on the validation set is refused (the fit guard); default true.
    /// Off, the new model is always adopted — for a fit the validation set cannot judge, e.g. a final refinement when the
    /// validation set holds only initial structures unlike the explored ones.
    /// </summary>
    public bool Guard { get; init; } = true;

    /// <inheritdoc/>
    public override string Keyword => "fit";
}

/// <summary><c>validate:</c> measures the model on held-out labelled data.</summary>
/// <param name="Fraction">Share of labelled structures held out, 0–1 exclusive of 1; default 0.1.</param>
public sealed record ValidateStep(double Fraction = 0.1) : CampaignStep
{
    /// <inheritdoc/>
    public override string Keyword => "validate";

    /// <summary>
    /// Hot MD runs with the model after the errors are measured (the survival test); default none (off). Left out of the
    /// definition hash when not set, so campaigns without it keep their hashes.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SurvivalSpec? Survival { get; init; }

    /// <summary>Phonon frequencies compared with the teacher's, or <see langword="null"/> (the default) for none.</summary>
    /// <remarks>Left out of the definition JSON when absent, so campaigns without it keep their hashes.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PhononValidationSpec? Phonons { get; init; }

    /// <summary>
    /// Share (0–0.5] of the structures the loop adds that join the validation set instead of the training set: every K-th
    /// in order of addition, K = round(1 / share); default none (null), so the validation set is the initial slice only.
    /// Left out of the definition JSON when absent.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LoopFraction { get; init; }
}

/// <summary>
/// <c>validate.survival:</c> N Langevin MD runs of L steps at one temperature with the model in use, from structures of the
/// training set; a run survives when it ends without γ above <see cref="GradeBreak"/>, overlapping atoms, an escaped atom or
/// an MD failure.
/// </summary>
public sealed record SurvivalSpec
{
    /// <summary>Runs N (1–10,000); default 10.</summary>
    public int Runs { get; init; } = 10;

    /// <summary>MD steps per run L (≥ 1); default 10,000.</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Temperature of the runs, K (&gt; 0); default 1500.</summary>
    public double Temperature { get; init; } = 1500;

    /// <summary>Time step, fs (0 &lt; dt ≤ 100); default 1.</summary>
    public double Timestep { get; init; } = 1.0;

    /// <summary>γ above which a run counts as failed (&gt; 1); default 10.</summary>
    public double GradeBreak { get; init; } = 10;
}

/// <summary>An inclusive integer range.</summary>
/// <param name="Lo">Lower bound.</param>
/// <param name="Hi">Upper bound (≥ lo).</param>
public sealed record IntRange(int Lo, int Hi);

/// <summary>An inclusive range; a single value is written as a number and has lo = hi.</summary>
/// <param name="Lo">Lower bound.</param>
/// <param name="Hi">Upper bound (≥ lo).</param>
public sealed record DoubleRange(double Lo, double Hi);
