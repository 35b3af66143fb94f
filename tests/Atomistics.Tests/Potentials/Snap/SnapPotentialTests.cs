using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Snap;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Atomistics.Tests.Potentials.Snap;

public sealed class SnapPotentialTests
{
    public static TheoryData<string> ZuoModels { get; } = new(
        "Si_Zuo_JPCA2020", "Si_Zuo_JPCA2020.quadratic", "Ge_Zuo_JPCA2020", "Ge_Zuo_JPCA2020.quadratic",
        "Cu_Zuo_JPCA2020", "Cu_Zuo_JPCA2020.quadratic", "Ni_Zuo_JPCA2020", "Ni_Zuo_JPCA2020.quadratic",
        "Li_Zuo_JPCA2020", "Li_Zuo_JPCA2020.quadratic", "Mo_Zuo_JPCA2020", "Mo_Zuo_JPCA2020.quadratic");

    [Theory]
    [MemberData(nameof(ZuoModels))]
    public void Forces_and_stress_are_derivatives_of_the_energy(string model)
    {
        var (potential, structure) = ModelAndCrystal(model, new Random(model.Length));

        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);

        // A step of 1e-5 keeps rounding of the ~20 eV energy well below the 1e-9 eV/Å³ the check resolves on small stresses.
        PotentialChecks.StressIsStrainDerivative(potential, structure, step: 1e-5);
    }

    [Theory]
    [MemberData(nameof(ZuoModels))]
    public void Rotating_translating_and_permuting_atoms_changes_nothing_but_the_force_directions_and_order(string model)
    {
        var random = new Random(model.Length + 100);
        var (potential, structure) = ModelAndCrystal(model, random);
        var before = Evaluate(potential, structure);
        var rotation = RandomStructures.RandomRotation(random);
        var shift = new Vec3(0.37, -1.9, 4.2);
        var order = Enumerable.Range(0, structure.Count).OrderBy(_ => random.Next()).ToArray();
        var moved = new Structure(
            new Cell(structure.Cell.Matrix * rotation.Transpose()),
            Pbc.All,
            [.. order.Select(i => structure.AtomicNumbers[i])],
            [.. order.Select(i => (rotation * structure.Positions[i]) + shift)]);

        var after = Evaluate(potential, moved);

        after.Energy.Should().BeApproximately(before.Energy, 1e-10 * Math.Abs(before.Energy));
        for (var n = 0; n < structure.Count; n++)
        {
            after.AtomEnergies[n].Should().BeApproximately(before.AtomEnergies[order[n]], 1e-9);
            (after.Forces[n] - (rotation * before.Forces[order[n]])).Length.Should().BeLessThan(1e-9);
        }

        // A rattled crystal has different site energies and non-zero forces, so the comparison above can fail.
        before.Forces.Max(f => f.Length).Should().BeGreaterThan(1e-3);
    }

    [Fact]
    public void One_and_several_threads_agree_on_a_64_atom_cell()
    {
        var potential = PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var structure = RandomStructures.Rattled(new Random(5), Diamond(14, 5.431, 2), 0.1);

        PotentialChecks.ThreadsAgree(potential, structure);
    }

    [Fact]
    public void Ideal_diamond_silicon_has_no_forces_and_an_energy_near_the_dft_cohesive_scale()
    {
        var potential = PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var evaluation = Evaluate(potential, Diamond(14, 5.431, 1));

        evaluation.Forces.Max(f => f.Length).Should().BeLessThan(1e-9);

        // Zuo et al. fit to PBE total energies, about −5.4 eV per atom for diamond silicon.
        (evaluation.Energy / 8).Should().BeInRange(-5.6, -5.2);
    }

    [Fact]
    public void An_isolated_atom_has_the_bispectrum_of_its_own_unit_density_unless_it_is_subtracted()
    {
        var lone = new Structure(Cell.Orthorhombic(20, 20, 20), Pbc.All, [14], [Vec3.Zero]);
        var model = SnapFile.Read("/usr/share/lammps/potentials/Si_Zuo_JPCA2020.snapcoeff", [14]);
        var plain = new SnapPotential(model, "plain");
        var subtracted = new SnapPotential(model with { Parameters = model.Parameters with { SubtractSelf = true } }, "bzero");

        var b = plain.Bispectrum(lone);
        var zero = subtracted.Bispectrum(lone);

        // For u = identity, B(j1, j2, j) = Σ_m 1 = 2j + 1 (LAMMPS' j is doubled: j + 1).
        b.Should().HaveCount(55);
        b[0].Should().BeApproximately(1, 1e-12);
        b[^1].Should().BeApproximately(9, 1e-12);
        zero.Should().OnlyContain(x => Math.Abs(x) < 1e-12);
    }

    [Fact]
    public void Two_elements_with_radii_and_weights_have_consistent_forces_and_stress()
    {
        var si = SnapFile.Read("/usr/share/lammps/potentials/Si_Zuo_JPCA2020.snapcoeff", [14]);
        var ge = SnapFile.Read("/usr/share/lammps/potentials/Ge_Zuo_JPCA2020.snapcoeff", [32]);
        var mixed = new SnapModel(si.Parameters, [si.Elements[0], ge.Elements[0] with { Radius = 0.55, Weight = 0.8 }]);
        var potential = new SnapPotential(mixed, "snap:SiGe test");
        var random = new Random(11);
        var structure = RandomStructures.Rattled(random, Diamond(14, 5.5, 1), 0.1);
        for (var i = 0; i < structure.Count; i += 2)
        {
            structure.AtomicNumbers[i] = 32;
        }

        potential.Cutoff.Should().BeApproximately(4.9 * 1.1, 1e-12);
        PotentialChecks.ForcesAreMinusEnergyGradient(potential, structure);
        PotentialChecks.StressIsStrainDerivative(potential, structure);
    }

    [Fact]
    public void Two_names_for_one_element_give_the_single_element_result()
    {
        var si = SnapFile.Read("/usr/share/lammps/potentials/Si_Zuo_JPCA2020.snapcoeff", [14]);
        var single = new SnapPotential(si, "Si");
        var twin = new SnapPotential(new SnapModel(si.Parameters, [si.Elements[0], si.Elements[0] with { AtomicNumber = 32 }]), "Si+twin");
        var structure = RandomStructures.Rattled(new Random(3), Diamond(14, 5.431, 1), 0.1);
        var relabelled = structure.Clone();
        relabelled.AtomicNumbers[1] = 32;
        relabelled.AtomicNumbers[6] = 32;

        var expected = Evaluate(single, structure);
        var actual = Evaluate(twin, relabelled);

        actual.Energy.Should().BeApproximately(expected.Energy, 1e-10);
        for (var i = 0; i < structure.Count; i++)
        {
            (actual.Forces[i] - expected.Forces[i]).Length.Should().BeLessThan(1e-10);
        }
    }

    [Fact]
    public void The_library_finds_models_by_name_with_or_without_the_ending()
    {
        var byName = PotentialLibrary.Load("snap:Ni_Zuo_JPCA2020.quadratic", [28]);
        var byFile = PotentialLibrary.Load("/usr/share/lammps/potentials/Ni_Zuo_JPCA2020.quadratic.snapcoeff", [28]);

        byName.Name.Should().Be("snap:Ni_Zuo_JPCA2020.quadratic.snapcoeff");
        byFile.Should().BeOfType<SnapPotential>().Which.Model.Parameters.Quadratic.Should().BeTrue();
        byName.Cutoff.Should().BeApproximately(3.8, 1e-12);
        var crystal = Crystals.FccCubic(28, 3.52);
        Evaluate(byName, crystal).Energy.Should().Be(Evaluate(byFile, crystal).Energy);
    }

    [Fact]
    public void An_element_the_model_does_not_describe_fails_with_its_name()
    {
        var potential = PotentialLibrary.Load("snap:Si_Zuo_JPCA2020", [14]);
        var structure = Diamond(14, 5.431, 1);
        structure.AtomicNumbers[3] = 6;

        var act = () => Evaluate(potential, structure);

        act.Should().Throw<PotentialException>().WithMessage("*C (atom 4)*");
    }

    private static (IPotential Potential, Structure Structure) ModelAndCrystal(string model, Random random)
    {
        var element = model[..2];
        Structure crystal = element switch
        {
            "Si" => Diamond(14, 5.431, 1),
            "Ge" => Diamond(32, 5.66, 1),
            "Cu" => Crystals.FccCubic(29, 3.62),
            "Ni" => Crystals.FccCubic(28, 3.52),
            "Li" => Crystals.BccCubic(3, 3.44, 2),
            _ => Crystals.BccCubic(42, 3.15, 2),
        };
        var number = crystal.AtomicNumbers[0];
        return (PotentialLibrary.Load($"snap:{model}", [number]), RandomStructures.Rattled(random, crystal, 0.08));
    }

    private static Evaluation Evaluate(IPotential potential, Structure structure)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        return evaluation;
    }

    private static Structure Diamond(int element, double a, int repeat)
    {
        var diamond = StillingerWeberTests.Diamond(a, repeat);
        return new Structure(diamond.Cell, Pbc.All, [.. diamond.AtomicNumbers.ToArray().Select(_ => element)], diamond.Positions.ToArray());
    }
}
