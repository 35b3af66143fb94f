namespace ActiveLearning.Atomistics.Formats.ExtendedXyz;

/// <summary>The comment line of a frame, interpreted: lattice, pbc, Properties, labels and free-form info.</summary>
internal sealed class FrameHeader(LineReader reader, long line)
{
    private const string DefaultProperties = "species:S:1:pos:R:3";

    private readonly List<KeyValuePair<string, InfoValue>> info = [];
    private Cell? lattice;
    private Pbc? pbc;
    private double? energy;
    private double? freeEnergy;
    private Mat3? stress;
    private double? referenceEnergy;
    private double? referenceFreeEnergy;
    private Mat3? referenceStress;

    public string Properties { get; private set; } = DefaultProperties;

    public void Interpret(List<KeyValuePair<string, string>> pairs)
    {
        foreach (var (key, value) in pairs)
        {
            switch (key)
            {
                case "Lattice":
                    var v = Reals(key, value, 9);
                    lattice = new Cell(new Vec3(v[0], v[1], v[2]), new Vec3(v[3], v[4], v[5]), new Vec3(v[6], v[7], v[8]));
                    break;
                case "Properties":
                    Properties = value;
                    break;
                case "pbc":
                    pbc = ParsePbc(value);
                    break;
                case "energy":
                    energy = Reals(key, value, 1)[0];
                    break;
                case "free_energy":
                    freeEnergy = Reals(key, value, 1)[0];
                    break;
                case "stress":
                    stress = Stress(key, value);
                    break;
                case "REF_energy":
                    referenceEnergy = Reals(key, value, 1)[0];
                    break;
                case "REF_free_energy":
                    referenceFreeEnergy = Reals(key, value, 1)[0];
                    break;
                case "REF_stress":
                    referenceStress = Stress(key, value);
                    break;
                case "virial":
                    Reals(key, value, 9);
                    info.Add(KeyValuePair.Create(key, InfoText.Parse(value)));
                    break;
                default:
                    info.Add(KeyValuePair.Create(key, InfoText.Parse(value)));
                    break;
            }
        }
    }

    public Structure Build(
        int[] numbers, Vec3[] positions, List<(string Name, ColumnSink Sink)> columns, LineReader source, long countLine)
    {
        var cell = lattice ?? Cell.Empty;
        var periodic = pbc ?? (lattice is null ? Pbc.None : Pbc.All);
        for (var axis = 0; axis < 3; axis++)
        {
            if (periodic[axis] && cell[axis].LengthSquared == 0)
            {
                throw source.Error(line, lattice is null
                    ? $"pbc=\"{periodic}\" is periodic but the frame has no Lattice"
                    : $"pbc=\"{periodic}\" is periodic along lattice vector {"abc"[axis]}, which is zero");
            }
        }

        var structure = new Structure(cell, periodic, numbers, positions);
        Vec3[]? forces = null, referenceForces = null, momenta = null;
        foreach (var (name, sink) in columns)
        {
            switch (name)
            {
                case "forces":
                    forces = ((ColumnSink.VectorSink)sink).Values;
                    break;
                case "REF_forces":
                    referenceForces = ((ColumnSink.VectorSink)sink).Values;
                    break;
                case "momenta":
                    momenta = ((ColumnSink.VectorSink)sink).Values;
                    break;
                case "velo":
                    structure.Velocities = ((ColumnSink.VectorSink)sink).Values;
                    break;
                default:
                    if (sink is ColumnSink.GenericSink generic)
                    {
                        structure.SetArray(generic.ToArray());
                    }

                    break;
            }
        }

        if (momenta is not null)
        {
            structure.Velocities = VelocitiesFromMomenta(structure, momenta, source, countLine);
        }

        structure.Calculated = Labels(energy, forces, stress, freeEnergy);
        structure.Reference = Labels(referenceEnergy, referenceForces, referenceStress, referenceFreeEnergy);
        foreach (var (key, value) in info)
        {
            structure.Info[key] = value;
        }

        return structure;
    }

    // ASE stores momenta p = m·v in amu·Å per ASE time unit; masses come from a 'masses' column when the file has one.
    private static Vec3[] VelocitiesFromMomenta(Structure structure, Vec3[] momenta, LineReader source, long countLine)
    {
        var masses = structure.FindArray("masses") is { Kind: AtomArrayKind.Real, Columns: 1 } column
            ? (double[])column.Data
            : structure.Masses();
        var velocities = momenta;
        for (var i = 0; i < velocities.Length; i++)
        {
            if (masses[i] <= 0)
            {
                throw source.Error(countLine, $"atom {i + 1} has mass {masses[i]}, so its momentum gives no velocity");
            }

            velocities[i] = momenta[i] / (masses[i] * Units.AseTime);
        }

        return velocities;
    }

    private static LabelSet? Labels(double? energy, Vec3[]? forces, Mat3? stress, double? freeEnergy) =>
        energy is null && forces is null && stress is null && freeEnergy is null ? null : new LabelSet(energy, forces, stress, freeEnergy);

    private double[] Reals(string key, string value, int count)
    {
        var tokens = value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != count)
        {
            throw reader.Error(line, $"{key} has {tokens.Length} values; expected {count}");
        }

        var numbers = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (!NumberText.TryParseReal(tokens[i], out numbers[i]))
            {
                throw reader.Error(line, $"{key}: '{ExtendedXyzReader.Shorten(tokens[i])}' is not a number");
            }
        }

        return numbers;
    }

    // Nine values in Fortran (column-major) order as ASE writes them, or six in Voigt order xx yy zz yz xz xy.
    private Mat3 Stress(string key, string value)
    {
        var count = value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries).Length;
        if (count == 6)
        {
            var s = Reals(key, value, 6);
            return Mat3.FromVoigt(s[0], s[1], s[2], s[3], s[4], s[5]);
        }

        var v = Reals(key, value, 9);
        return new Mat3(v[0], v[3], v[6], v[1], v[4], v[7], v[2], v[5], v[8]);
    }

    private Pbc ParsePbc(string value)
    {
        var tokens = value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != 3)
        {
            throw reader.Error(line, $"pbc has {tokens.Length} values; expected three of T/F");
        }

        var flags = new bool[3];
        for (var i = 0; i < 3; i++)
        {
            flags[i] = tokens[i] switch
            {
                "T" or "True" or "1" => true,
                "F" or "False" or "0" => false,
                _ => throw reader.Error(line, $"pbc: '{ExtendedXyzReader.Shorten(tokens[i])}' is not T or F"),
            };
        }

        return new Pbc(flags[0], flags[1], flags[2]);
    }
}
