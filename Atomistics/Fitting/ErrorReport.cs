using System.Globalization;
using System.Text;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Atomistics.Fitting;

/// <summary>
/// Prediction errors of a potential against reference labels. Each error is absent (<see langword="null"/>, so that the
/// record serialises to JSON) when no structure had that label.
/// </summary>
/// <param name="Structures">Structures in the set, labelled or not.</param>
/// <param name="Energies">Structures with a reference energy.</param>
/// <param name="EnergyRmseMeVPerAtom">Root-mean-square over structures of (E − E_ref)/N, meV/atom.</param>
/// <param name="EnergyMaeMeVPerAtom">Mean absolute (E − E_ref)/N, meV/atom.</param>
/// <param name="ForceComponents">Force components compared (3 per atom of structures with reference forces).</param>
/// <param name="ForceRmseEVPerAngstrom">Root-mean-square force component error, eV/Å.</param>
/// <param name="ForceMaeEVPerAngstrom">Mean absolute force component error, eV/Å.</param>
/// <param name="Stresses">Structures periodic in 3-D with a reference stress.</param>
/// <param name="StressRmseGPa">Root-mean-square error of the six independent stress components (Voigt), GPa.</param>
/// <param name="StressMaeGPa">Mean absolute error of the six independent stress components, GPa.</param>
public sealed record ErrorMetrics(
    int Structures,
    int Energies,
    double? EnergyRmseMeVPerAtom,
    double? EnergyMaeMeVPerAtom,
    int ForceComponents,
    double? ForceRmseEVPerAngstrom,
    double? ForceMaeEVPerAngstrom,
    int Stresses,
    double? StressRmseGPa,
    double? StressMaeGPa);

/// <summary>The errors of the structures of one <c>config_type</c>.</summary>
/// <param name="ConfigType">The info value (<see cref="ErrorReport.NoConfigType"/> for structures without one).</param>
/// <param name="Errors">Their errors.</param>
public sealed record ConfigTypeErrors(string ConfigType, ErrorMetrics Errors);

/// <summary>
/// Energy, force and stress errors of a potential on a labelled data set, overall and per <c>config_type</c>; a plain
/// record that serialises to JSON as it is, and prints as a table with <see cref="ToTable"/>.
/// </summary>
/// <param name="Potential">The potential's name.</param>
/// <param name="Overall">Errors over all structures.</param>
/// <param name="ByConfigType">Errors per config_type, ordered by name (ordinal).</param>
public sealed record ErrorReport(string Potential, ErrorMetrics Overall, IReadOnlyList<ConfigTypeErrors> ByConfigType)
{
    /// <summary>The info key that groups structures (<c>config_type</c>, as in GAP, ACE and MLIP data sets).</summary>
    public const string ConfigTypeKey = "config_type";

    /// <summary>The group of structures that have no config_type.</summary>
    public const string NoConfigType = "(none)";

    /// <summary>Evaluates <paramref name="potential"/> on every structure and compares with its <see cref="Structure.Reference"/> labels.</summary>
    /// <param name="potential">The model.</param>
    /// <param name="structures">Enumerated once; structures without labels count in <see cref="ErrorMetrics.Structures"/> only.</param>
    /// <param name="threads">Threads per evaluation (0: one per processor).</param>
    /// <param name="configTypeKey">Info key to group by; a non-text value is grouped by its text form.</param>
    /// <param name="cancellationToken">Checked between structures.</param>
    /// <exception cref="PotentialException">The potential cannot evaluate a structure (the message names its position).</exception>
    public static ErrorReport Compute(
        IPotential potential, IEnumerable<Structure> structures, int threads = 0, string configTypeKey = ConfigTypeKey,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(structures);
        ArgumentNullException.ThrowIfNull(configTypeKey);
        var evaluation = new Evaluation(threads);
        var overall = new ErrorSums();
        var groups = new SortedDictionary<string, ErrorSums>(StringComparer.Ordinal);
        var index = 0;
        foreach (var structure in structures)
        {
            cancellationToken.ThrowIfCancellationRequested();
            index++;
            var group = structure.Info.TryGetValue(configTypeKey, out var value) ? value.ToString() : NoConfigType;
            if (!groups.TryGetValue(group, out var sums))
            {
                sums = new ErrorSums();
                groups[group] = sums;
            }

            overall.Structures++;
            sums.Structures++;
            var reference = structure.Reference;
            if (reference is null || reference.IsEmpty || structure.Count == 0)
            {
                continue;
            }

            try
            {
                potential.Compute(structure, evaluation);
            }
            catch (PotentialException exception)
            {
                throw new PotentialException($"Structure {index} ({structure}): {exception.Message}");
            }

            overall.Add(structure, reference, evaluation);
            sums.Add(structure, reference, evaluation);
        }

        return new ErrorReport(
            potential.Name, overall.ToMetrics(), [.. groups.Select(g => new ConfigTypeErrors(g.Key, g.Value.ToMetrics()))]);
    }

    /// <summary>
    /// A fixed-width table: one line per config_type and one for all, with counts and RMSE/MAE of energy (meV/atom),
    /// force components (eV/Å) and stress components (GPa); "-" where there was nothing to compare.
    /// </summary>
    public string ToTable()
    {
        var width = Math.Max("config_type".Length, ByConfigType.Count == 0 ? 0 : ByConfigType.Max(g => g.ConfigType.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Errors of {Potential} (energy meV/atom, force components eV/Å, stress components GPa)")
            .AppendLine();
        text.Append("config_type".PadRight(width));
        foreach (var (title, columnWidth) in Columns)
        {
            text.Append(' ').Append(title.PadLeft(columnWidth));
        }

        text.AppendLine();
        foreach (var group in ByConfigType)
        {
            Line(text, group.ConfigType, group.Errors, width);
        }

        Line(text, "all", Overall, width);
        return text.ToString();
    }

    private static readonly (string Title, int Width)[] Columns =
    [
        ("structures", 10), ("energies", 8), ("E RMSE", 9), ("E MAE", 9), ("forces", 8), ("F RMSE", 8), ("F MAE", 8),
        ("stresses", 8), ("S RMSE", 8), ("S MAE", 8),
    ];

    private static void Line(StringBuilder text, string name, ErrorMetrics e, int width)
    {
        string[] cells =
        [
            Count(e.Structures), Count(e.Energies), Number(e.EnergyRmseMeVPerAtom), Number(e.EnergyMaeMeVPerAtom),
            Count(e.ForceComponents), Number(e.ForceRmseEVPerAngstrom), Number(e.ForceMaeEVPerAngstrom),
            Count(e.Stresses), Number(e.StressRmseGPa), Number(e.StressMaeGPa),
        ];
        text.Append(name.PadRight(width));
        for (var c = 0; c < cells.Length; c++)
        {
            text.Append(' ').Append(cells[c].PadLeft(Columns[c].Width));
        }

        text.AppendLine();
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double? value) =>
        value is double v ? v.ToString(Math.Abs(v) >= 1000 ? "G4" : "0.###", CultureInfo.InvariantCulture) : "-";

    private sealed class ErrorSums
    {
        public int Structures;
        private int energies;
        private double energySquares;
        private double energyAbsolute;
        private int forceComponents;
        private double forceSquares;
        private double forceAbsolute;
        private int stresses;
        private double stressSquares;
        private double stressAbsolute;

        public void Add(Structure structure, LabelSet reference, Evaluation evaluation)
        {
            if (reference.Energy is double energy)
            {
                var error = (evaluation.Energy - energy) / structure.Count * 1000;
                energies++;
                energySquares += error * error;
                energyAbsolute += Math.Abs(error);
            }

            if (reference.Forces is { } forces)
            {
                var predicted = evaluation.Forces;
                for (var i = 0; i < forces.Length; i++)
                {
                    var difference = predicted[i] - forces[i];
                    for (var axis = 0; axis < 3; axis++)
                    {
                        forceSquares += difference[axis] * difference[axis];
                        forceAbsolute += Math.Abs(difference[axis]);
                    }
                }

                forceComponents += 3 * forces.Length;
            }

            if (reference.Stress is Mat3 stress && evaluation.Stress(structure) is Mat3 predictedStress)
            {
                ReadOnlySpan<(int Row, int Column)> voigt = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];
                foreach (var (row, column) in voigt)
                {
                    var error = (predictedStress[row, column] - stress[row, column]) / Units.GPa;
                    stressSquares += error * error;
                    stressAbsolute += Math.Abs(error);
                }

                stresses++;
            }
        }

        public ErrorMetrics ToMetrics() => new(
            Structures,
            energies,
            Rms(energySquares, energies),
            Mean(energyAbsolute, energies),
            forceComponents,
            Rms(forceSquares, forceComponents),
            Mean(forceAbsolute, forceComponents),
            stresses,
            Rms(stressSquares, 6 * stresses),
            Mean(stressAbsolute, 6 * stresses));

        private static double? Rms(double squares, int count) => count == 0 ? null : Math.Sqrt(squares / count);

        private static double? Mean(double sum, int count) => count == 0 ? null : sum / count;
    }
}
