using System.Globalization;
using ActiveLearning.Activities.Fitting;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Generators.NonDiagonal;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Store;

namespace ActiveLearning.Orchestrator.Reports;

/// <summary>MD speed of the student against its teacher on the same cell, measured in one run.</summary>
/// <param name="Atoms">Atoms of the cell.</param>
/// <param name="StudentAtomStepsPerSecond">The student's atom-steps per second, one thread.</param>
/// <param name="TeacherAtomStepsPerSecond">The teacher's atom-steps per second, one thread.</param>
/// <param name="StudentSteps">Steps timed with the student.</param>
/// <param name="TeacherSteps">Steps timed with the teacher.</param>
public sealed record MdSpeedComparison(int Atoms, double StudentAtomStepsPerSecond, double TeacherAtomStepsPerSecond, int StudentSteps, int TeacherSteps)
{
    /// <summary>Student speed over teacher speed.</summary>
    public double SpeedUp => StudentAtomStepsPerSecond / TeacherAtomStepsPerSecond;
}

/// <summary>
/// For a campaign whose reference is a potential: the student (the model in use) against its teacher — the last
/// validation errors (the student's predictions against the teacher's labels on the held-out initial structures) and the
/// MD speed of both, measured when the report is made.
/// </summary>
/// <param name="Teacher">The teacher as the campaign names it, e.g. <c>snap:Si_Zuo_JPCA2020</c>.</param>
/// <param name="ModelIteration">The iteration whose model is the student.</param>
/// <param name="ValidationIteration">The iteration of the last validation, or null when none ran.</param>
/// <param name="EnergyRmseMeVPerAtom">Its energy RMSE, meV/atom.</param>
/// <param name="ForceRmseEVPerAngstrom">Its force RMSE, eV/Å.</param>
/// <param name="Speed">The MD speeds, or null when not measured.</param>
/// <param name="SpeedNote">Why the speed was not measured, or null.</param>
public sealed record StudentTeacherComparison(
    string Teacher, int ModelIteration, int? ValidationIteration, double? EnergyRmseMeVPerAtom, double? ForceRmseEVPerAngstrom,
    MdSpeedComparison? Speed, string? SpeedNote)
{
    /// <summary>Atoms the speed cell has at least: the largest training structure is repeated along its axes until it does.</summary>
    public const int SpeedCellMinAtoms = 500;

    /// <summary>
    /// Reads the comparison: the campaign's stored definition names the teacher, the store the model in use and the last
    /// validation; when <paramref name="speedBudget"/> is positive both potentials run Langevin MD at 300 K (1 fs, seed 1,
    /// one thread) from the largest training structure repeated to at least <see cref="SpeedCellMinAtoms"/> atoms, each
    /// for at least that long after a 2-step warm-up, and their atom-steps per second are compared.
    /// </summary>
    /// <returns>Null when the reference is not a potential or no model was fitted yet.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static StudentTeacherComparison? Read(CampaignStore store, TimeSpan speedBudget, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var row = store.ReadCampaign();
        Campaign campaign;
        try
        {
            campaign = CampaignParser.Parse(row.Definition, row.FilePath);
        }
        catch (CampaignException)
        {
            // A campaign whose files moved no longer parses; the rest of the report does not need it.
            return null;
        }

        if (campaign.Reference is not PotentialReference reference || store.LastModel(int.MaxValue) is not { } model)
        {
            return null;
        }

        var validation = store.LastValidation();
        MdSpeedComparison? speed = null;
        string? note = null;
        if (speedBudget <= TimeSpan.Zero)
        {
            note = "not measured (--speed-seconds 0)";
        }
        else
        {
            try
            {
                int[] species = [.. campaign.Species.Select(Elements.AtomicNumber)];
                var modelPath = Path.Combine(store.Workdir, model.Path);
                var student = StudentModel.OfFile(modelPath).Load(modelPath, species);
                var teacher = PotentialLibrary.Load(reference.Potential, species);
                var largest = store.LabelledDataset(int.MaxValue).Structures.Select(s => s.Structure).Where(s => s.Pbc == Pbc.All)
                    .MaxBy(s => s.Count);
                if (largest is null)
                {
                    note = "not measured: no periodic training structure to start from";
                }
                else
                {
                    speed = Measure(student, teacher, SpeedCell(largest), speedBudget, time, cancellationToken);
                }
            }
            catch (Exception e) when (e is MolecularDynamicsException or PotentialException or IOException or FormatException or ArgumentException)
            {
                note = "not measured: " + e.Message;
            }
        }

        return new StudentTeacherComparison(
            reference.Potential, model.Iteration, validation?.Iteration, validation?.EnergyRmseEVPerAtom * 1000, validation?.ForceRmseEVPerAngstrom, speed, note);
    }

    /// <summary><paramref name="structure"/> repeated n times along each cell vector, n the smallest with n³·N ≥ <see cref="SpeedCellMinAtoms"/>.</summary>
    public static Structure SpeedCell(Structure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var n = 1;
        while (n * n * n * structure.Count < SpeedCellMinAtoms)
        {
            n++;
        }

        var cell = NonDiagonalSupercells.BuildSupercell(structure, new[,] { { n, 0, 0 }, { 0, n, 0 }, { 0, 0, n } });
        cell.Reference = null;
        cell.Calculated = null;
        cell.Velocities = null;
        return cell;
    }

    /// <summary>Times both potentials on the same start (see <see cref="Read"/>), the student first.</summary>
    /// <exception cref="MolecularDynamicsException">A potential failed during the MD.</exception>
    public static MdSpeedComparison Measure(IPotential student, IPotential teacher, Structure start, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var (studentRate, studentSteps) = AtomStepsPerSecond(student, start, budget, time, cancellationToken);
        var (teacherRate, teacherSteps) = AtomStepsPerSecond(teacher, start, budget, time, cancellationToken);
        return new MdSpeedComparison(start.Count, studentRate, teacherRate, studentSteps, teacherSteps);
    }

    private static (double Rate, int Steps) AtomStepsPerSecond(IPotential potential, Structure start, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        var structure = start.Clone();
        structure.Velocities = null;
        var options = new MdOptions { Ensemble = Ensemble.Langevin, StartTemperatureK = 300, TimestepFs = 1, Seed = 1, Threads = 1, Steps = 2 };
        MolecularDynamics.Run(structure, potential, options, cancellationToken: cancellationToken);
        var steps = 0;
        var chunk = 1;
        var elapsed = TimeSpan.Zero;
        while (elapsed < budget)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = time.GetTimestamp();
            MolecularDynamics.Run(structure, potential, options with { Steps = chunk }, cancellationToken: cancellationToken);
            elapsed += time.GetElapsedTime(started);
            steps += chunk;
            chunk *= 2;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (start.Count * (double)steps / elapsed.TotalSeconds, steps);
    }

    /// <summary>The comparison in words, one line per figure, for the terminal.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string> { string.Create(inv, $"Student (model of iteration {ModelIteration}) against its teacher {Teacher}:") };
        lines.Add(ValidationIteration is { } v
            ? string.Create(inv, $"  validation (iteration {v}): energy RMSE {Format(EnergyRmseMeVPerAtom, "F2")} meV/atom, force RMSE {Format(ForceRmseEVPerAngstrom, "F4")} eV/Å")
            : "  validation: none yet");
        lines.Add(Speed is { } s
            ? string.Create(inv, $"  MD speed ({s.Atoms} atoms, 1 thread): student {s.StudentAtomStepsPerSecond:N0} atom-steps/s, teacher {s.TeacherAtomStepsPerSecond:N0} atom-steps/s, speed-up {s.SpeedUp:G2}×")
            : $"  MD speed: {SpeedNote}");
        return string.Join('\n', lines) + "\n";
    }

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "–";
}
