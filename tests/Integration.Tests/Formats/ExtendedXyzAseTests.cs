using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Formats.ExtendedXyz;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Formats;

/// <summary>ASE is the referee: what `al convert` writes ASE must read identically, and what ASE writes we must read identically.</summary>
public sealed class ExtendedXyzAseTests
{
    private static readonly ExtendedXyzFormat Format = new();

    [Fact]
    public async Task Ase_reads_what_al_convert_writes()
    {
        using var directory = new TempDirectory();
        var random = new Random(11);
        var structures = new List<Structure>();
        for (var i = 0; i < 24; i++)
        {
            var structure = RandomStructures.Periodic(random, 1 + (i % 9), [14, 8, 6, 1], withLabels: i % 3 != 0);
            if (i % 4 == 1)
            {
                structure.Velocities = [.. Enumerable.Range(0, structure.Count).Select(_ => new Vec3(random.NextDouble() - 0.5, 0.01, -0.02))];
            }

            structure.Info["config_type"] = i % 2 == 0 ? "bulk" : "rattled bulk";
            structure.Info["iteration"] = (long)i;
            structure.Info["gamma"] = random.NextDouble() * 3;
            structure.Info["selected"] = i % 2 == 0;
            structure.Info["grid"] = InfoValue.FromIntegers([i, 2, 3]);
            structure.SetArray(AtomArray.OfReals("gamma_atom", 1, [.. Enumerable.Range(0, structure.Count).Select(_ => random.NextDouble())]));
            structure.SetArray(AtomArray.OfIntegers("tag", 1, [.. Enumerable.Range(0, structure.Count).Select(k => (long)k)]));
            structures.Add(structure);
        }

        structures.Add(new Structure(Cell.Empty, Pbc.None, [8, 1, 1], [new Vec3(0, 0, 0), new Vec3(0.96, 0, 0), new Vec3(-0.24, 0.93, 0)]));
        var source = directory.File("source.extxyz");
        StructureFiles.Write(source, structures, Format);
        var output = directory.File("converted.xyz");

        var run = await Al.RunAsync("convert", source, output);
        run.ExitCode.Should().Be(0, run.StandardError);

        var frames = AseJson.ParseFrames(await Ase.RunAsync(
            AseJson.Preamble + "\nprint(json.dumps([frame_json(a) for a in ase.io.read(sys.argv[1], index=':', format='extxyz')]))",
            output));
        frames.Should().HaveCount(structures.Count);
        for (var i = 0; i < structures.Count; i++)
        {
            AssertSame(structures[i], frames[i], 1e-12, $"frame {i}");
        }
    }

    [Fact]
    public async Task We_read_what_ase_writes()
    {
        using var directory = new TempDirectory();
        var path = directory.File("ase.extxyz");
        const string script = """
            import numpy as np
            from ase import Atoms
            from ase.calculators.singlepoint import SinglePointCalculator
            rng = np.random.default_rng(5)
            frames = []
            for i in range(30):
                n = 1 + i % 7
                lengths = rng.uniform(3, 8, 3); angles = rng.uniform(60, 120, 3)
                from ase.geometry import cellpar_to_cell
                cell = cellpar_to_cell(np.concatenate([lengths, angles]))
                a = Atoms(numbers=rng.choice([14, 8, 26, 1], n), cell=cell, pbc=[True, True, i % 5 != 0],
                          scaled_positions=rng.uniform(0, 1, (n, 3)))
                a.info['config_type'] = 'liquid' if i % 2 else 'crystal'
                a.info['index'] = i
                a.info['temperature'] = float(rng.uniform(100, 2000))
                a.info['relaxed'] = bool(i % 2)
                a.info['kpts'] = np.array([2, 2, i + 1])
                a.new_array('charges_like', rng.normal(size=n))
                a.new_array('site', np.arange(n) * 10)
                if i % 3 == 0:
                    a.set_momenta(rng.normal(size=(n, 3)))
                if i % 4 != 3:
                    voigt = rng.normal(size=6) * 0.01
                    a.calc = SinglePointCalculator(a, energy=float(rng.normal() - 5 * n), forces=rng.normal(size=(n, 3)),
                                                   stress=voigt, free_energy=float(rng.normal() - 5 * n))
                frames.append(a)
            frames.append(Atoms('CO2', positions=[[0, 0, 0], [1.16, 0, 0], [-1.16, 0, 0]]))
            ase.io.write(sys.argv[1], frames, format='extxyz')
            print(json.dumps([frame_json(a) for a in ase.io.read(sys.argv[1], index=':', format='extxyz')]))
            """;

        var frames = AseJson.ParseFrames(await Ase.RunAsync(AseJson.Preamble + "\n" + script, path));
        var ours = StructureFiles.ReadAll(path);

        ours.Should().HaveCount(frames.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            AssertSame(ours[i], frames[i], 1e-12, $"frame {i}");
        }
    }

    [Fact]
    public async Task Ten_thousand_frames_agree_in_both_directions()
    {
        using var directory = new TempDirectory();
        const int frames = 10_000;
        const string sums = """
            tot_e = 0.0; tot_x = 0.0; atoms_total = 0
            for a in ase.io.iread(sys.argv[1], index=':', format='extxyz'):
                tot_e += a.get_potential_energy() if a.calc is not None else 0.0
                tot_x += float(a.positions.sum()); atoms_total += len(a)
            print(json.dumps([tot_e, tot_x, atoms_total]))
            """;

        // ASE writes, we read.
        var aseFile = directory.File("ase10k.xyz");
        var aseSums = await Ase.RunAsync(
            AseJson.Preamble + "\n" + """
            from ase import Atoms
            from ase.calculators.singlepoint import SinglePointCalculator
            rng = np.random.default_rng(1)
            out = []
            for i in range(int(sys.argv[2])):
                n = 1 + i % 8
                a = Atoms(numbers=rng.choice([13, 29], n), cell=np.diag(rng.uniform(4, 6, 3)), pbc=True,
                          scaled_positions=rng.uniform(0, 1, (n, 3)))
                if i % 10:
                    a.calc = SinglePointCalculator(a, energy=float(rng.normal()), forces=rng.normal(size=(n, 3)))
                out.append(a)
            ase.io.write(sys.argv[1], out, format='extxyz')
            """ + "\n" + sums,
            aseFile, frames.ToString(CultureInfo.InvariantCulture));
        CheckSums(StructureFiles.Read(aseFile, Format), aseSums, frames);

        // We write (through al convert), ASE reads.
        var random = new Random(3);
        var source = directory.File("ours10k.extxyz");
        StructureFiles.Write(source, Enumerable.Range(0, frames).Select(i => RandomStructures.Periodic(random, 1 + (i % 8), [13, 29], withLabels: i % 10 != 0)), Format);
        var converted = directory.File("converted10k.xyz");
        (await Al.RunAsync("convert", source, converted)).ExitCode.Should().Be(0);
        CheckSums(StructureFiles.Read(converted, Format), await Ase.RunAsync(AseJson.Preamble + "\n" + sums, converted), frames);
    }

    private static void CheckSums(IEnumerable<Structure> structures, string aseJson, int frames)
    {
        double energy = 0, coordinates = 0;
        long atoms = 0, count = 0;
        foreach (var s in structures)
        {
            count++;
            energy += s.Calculated?.Energy ?? 0;
            atoms += s.Count;
            foreach (var p in s.Positions)
            {
                coordinates += p.X + p.Y + p.Z;
            }
        }

        var expected = JsonDocument.Parse(aseJson).RootElement;
        count.Should().Be(frames);
        atoms.Should().Be(expected[2].GetInt64());
        energy.Should().BeApproximately(expected[0].GetDouble(), 1e-8);
        coordinates.Should().BeApproximately(expected[1].GetDouble(), 1e-6);
    }

    private static void AssertSame(Structure ours, JsonElement ase, double tolerance, string what)
    {
        ours.AtomicNumbers.Should().Equal(ase.GetProperty("numbers").EnumerateArray().Select(n => n.GetInt32()), what);
        var pbc = ase.GetProperty("pbc").EnumerateArray().Select(b => b.GetBoolean()).ToArray();
        ours.Pbc.Should().Be(new Pbc(pbc[0], pbc[1], pbc[2]), what);
        StructureAssert.Close(AseJson.Matrix(ase.GetProperty("cell")), ours.Cell.Matrix, tolerance, $"{what} cell");
        StructureAssert.Close(AseJson.Vectors(ase.GetProperty("positions")), ours.Positions, tolerance, $"{what} positions");
        if (ase.TryGetProperty("velocities", out var velocities))
        {
            StructureAssert.Close(AseJson.Vectors(velocities), ours.Velocities!, tolerance, $"{what} velocities");
        }
        else
        {
            ours.Velocities.Should().BeNull(what);
        }

        var calculated = ours.Calculated;
        if (ase.TryGetProperty("energy", out var energy))
        {
            StructureAssert.Close(energy.GetDouble(), calculated!.Energy!.Value, tolerance, $"{what} energy");
        }
        else
        {
            calculated?.Energy.Should().BeNull(what);
        }

        if (ase.TryGetProperty("forces", out var forces))
        {
            StructureAssert.Close(AseJson.Vectors(forces), calculated!.Forces!, tolerance, $"{what} forces");
        }

        if (ase.TryGetProperty("stress", out var stress))
        {
            StructureAssert.Close(AseJson.Matrix(stress), calculated!.Stress!.Value, tolerance, $"{what} stress");
        }

        if (ase.TryGetProperty("free_energy", out var freeEnergy))
        {
            StructureAssert.Close(freeEnergy.GetDouble(), calculated!.FreeEnergy!.Value, tolerance, $"{what} free energy");
        }

        var info = ase.GetProperty("info");
        var reference = ours.Reference;
        foreach (var entry in info.EnumerateObject())
        {
            var kind = entry.Value[0].GetString();
            var value = entry.Value[1];
            switch (entry.Name)
            {
                case "REF_energy":
                    StructureAssert.Close(value.GetDouble(), reference!.Energy!.Value, tolerance, $"{what} REF_energy");
                    continue;
                case "REF_stress":
                    // ASE keeps our REF_stress as a plain 9-vector (Fortran order = row order for a symmetric tensor).
                    StructureAssert.Close(Mat3.FromRowMajor(AseJson.Reals(value)), reference!.Stress!.Value, tolerance, $"{what} REF_stress");
                    continue;
            }

            ours.Info.Should().ContainKey(entry.Name, what);
            var mine = ours.Info[entry.Name];
            switch (kind)
            {
                case "str": mine.AsString().Should().Be(value.GetString(), what); break;
                case "int": mine.AsInteger().Should().Be(value.GetInt64(), what); break;
                case "float": mine.Kind.Should().Be(InfoKind.Real, what); StructureAssert.Close(value.GetDouble(), mine.AsReal(), tolerance, $"{what} {entry.Name}"); break;
                case "bool": mine.AsBoolean().Should().Be(value.GetBoolean(), what); break;
                case "array-i": mine.AsIntegers().Should().Equal(value.EnumerateArray().Select(v => v.GetInt64()), what); break;
                case "array-f": mine.AsReals().Should().Equal(AseJson.Reals(value), (x, y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(y)), what); break;
                default: throw new InvalidOperationException($"{what}: info '{entry.Name}' has a kind the test does not compare: {kind}");
            }
        }

        ours.Info.Keys.Should().BeSubsetOf(info.EnumerateObject().Select(p => p.Name), what);
        var arrays = ase.GetProperty("arrays");
        foreach (var entry in arrays.EnumerateObject())
        {
            if (entry.Name == "REF_forces")
            {
                StructureAssert.Close(AseJson.Vectors(entry.Value[1]), reference!.Forces!, tolerance, $"{what} REF_forces");
                continue;
            }

            var mine = ours.FindArray(entry.Name);
            mine.Should().NotBeNull($"{what}: ASE has array {entry.Name}");
            var flat = entry.Value[1].EnumerateArray().SelectMany(v => v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : new List<JsonElement> { v }).ToList();
            switch (entry.Value[0].GetString())
            {
                case "f": ((double[])mine!.Data).Should().Equal(flat.Select(v => v.GetDouble()), (x, y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(y)), what); break;
                case "i": ((long[])mine!.Data).Should().Equal(flat.Select(v => v.GetInt64()), what); break;
                default: throw new InvalidOperationException($"{what}: array '{entry.Name}' has a kind the test does not compare");
            }
        }

        ours.Arrays.Select(a => a.Name).Should().BeSubsetOf(arrays.EnumerateObject().Select(p => p.Name), what);
    }
}
