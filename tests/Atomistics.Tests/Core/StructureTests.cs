namespace ActiveLearning.Atomistics.Tests.Core;

public sealed class StructureTests
{
    private static Structure Water() =>
        new(Cell.Empty, Pbc.None, [8, 1, 1], [new Vec3(0, 0, 0), new Vec3(0.96, 0, 0), new Vec3(-0.24, 0.93, 0)]);

    [Fact]
    public void Lengths_of_per_atom_data_must_match_the_atoms()
    {
        var mismatched = () => new Structure(Cell.Empty, Pbc.None, [1, 1], [Vec3.Zero]);
        mismatched.Should().Throw<ArgumentException>();

        var structure = Water();
        var velocities = () => structure.Velocities = [Vec3.Zero];
        velocities.Should().Throw<ArgumentException>().WithMessage("*Velocities*");
        var labels = () => structure.Reference = new LabelSet(Forces: [Vec3.Zero, Vec3.Zero]);
        labels.Should().Throw<ArgumentException>().WithMessage("*Reference.Forces*");
        var array = () => structure.SetArray(AtomArray.OfReals("q", 1, [1.0]));
        array.Should().Throw<ArgumentException>().WithMessage("*'q'*");
    }

    [Fact]
    public void A_periodic_direction_needs_a_lattice_vector()
    {
        var create = () => new Structure(Cell.Empty, Pbc.All, [14], [Vec3.Zero]);
        create.Should().Throw<ArgumentException>().WithMessage("*zero*");

        var structure = Water();
        var makePeriodic = () => structure.Pbc = new Pbc(false, false, true);
        makePeriodic.Should().Throw<ArgumentException>();
        structure.Pbc.Should().Be(Pbc.None);
    }

    [Fact]
    public void Unknown_atomic_numbers_are_refused()
    {
        var create = () => new Structure(Cell.Empty, Pbc.None, [119], [Vec3.Zero]);
        create.Should().Throw<ArgumentException>().WithMessage("*119*");
    }

    [Fact]
    public void Formula_counts_elements_in_order_of_appearance()
    {
        Water().Formula.Should().Be("OH2");
        new Structure(Cell.Orthorhombic(5, 5, 5), Pbc.All, [14, 6, 14, 14], new Vec3[4]).Formula.Should().Be("Si3C");
    }

    [Fact]
    public void Clone_is_deep()
    {
        var original = Water();
        original.Reference = new LabelSet(-14.2, [new Vec3(1, 0, 0), Vec3.Zero, Vec3.Zero]);
        original.Info["source"] = "test";
        original.SetArray(AtomArray.OfReals("q", 1, [-0.8, 0.4, 0.4]));

        var copy = original.Clone();
        copy.Positions[0] = new Vec3(9, 9, 9);
        copy.Reference!.Forces![0] = new Vec3(5, 5, 5);
        ((double[])copy.FindArray("q")!.Data)[0] = 7;
        copy.Info["source"] = "changed";

        original.Positions[0].Should().Be(Vec3.Zero);
        original.Reference!.Forces![0].Should().Be(new Vec3(1, 0, 0));
        ((double[])original.FindArray("q")!.Data)[0].Should().Be(-0.8);
        original.Info["source"].AsString().Should().Be("test");
    }

    [Fact]
    public void Virial_and_stress_convert_with_the_volume_and_opposite_sign()
    {
        var stress = Mat3.FromVoigt(0.1, 0.2, 0.3, 0.01, 0.02, 0.03);

        var virial = LabelSet.VirialFromStress(stress, 50);

        virial.XX.Should().BeApproximately(-5, 1e-12);
        LabelSet.StressFromVirial(virial, 50).Should().Be(stress);
    }

    [Fact]
    public void Units_relate_as_physics_says()
    {
        (Units.Hartree / Units.Rydberg).Should().BeApproximately(2, 1e-12);
        (10 * Units.Kilobar).Should().BeApproximately(Units.GPa, 1e-18);
        (1 / Units.GPa).Should().BeApproximately(160.2176634, 1e-9);
        // ½ m v² of 1 amu at 1 Å/fs is about 51.8 eV.
        (0.5 * Units.AmuAngstromSquaredPerFemtosecondSquared).Should().BeApproximately(51.82, 0.01);
    }
}
