using ActiveLearning.Selection.Variance;

namespace ActiveLearning.Selection.Tests.Variance;

public sealed class CommitteeDeviationTests
{
    [Fact]
    public void Two_models_two_atoms_match_a_hand_calculation()
    {
        // Atom 0: (1,0,0) vs (−1,0,0) → mean 0, |ΔF|² = 1 for both → ε = 1.
        // Atom 1: (0,0,0) vs (0,0.2,0) → mean (0,0.1,0), |ΔF|² = 0.01 for both → ε = 0.1.
        double[] forces =
        [
            1, 0, 0, 0, 0, 0,
            -1, 0, 0, 0, 0.2, 0,
        ];
        var perAtom = new double[2];
        var deviation = CommitteeDeviation.Evaluate(forces, 2, "f1", energies: [-10, -10.4], atomDeviations: perAtom);

        deviation.FrameId.Should().Be("f1");
        deviation.MaxForce.Should().BeApproximately(1, 1e-15);
        deviation.MinForce.Should().BeApproximately(0.1, 1e-15);
        deviation.MeanForce.Should().BeApproximately(0.55, 1e-15);
        deviation.WorstAtom.Should().Be(0);
        perAtom.Should().Equal(deviation.MaxForce, deviation.MinForce);

        // E/N = −5 and −5.2 → σ = 0.1 eV/atom.
        deviation.EnergyPerAtom.Should().NotBeNull();
        deviation.EnergyPerAtom!.Value.Should().BeApproximately(0.1, 1e-12);
    }

    [Fact]
    public void Three_models_average_over_the_committee_not_over_k_minus_one()
    {
        // One atom, x components 0, 0, 3 → mean 1, squared deviations 1, 1, 4 → mean 2 → ε = √2; y, z identical.
        double[] forces = [0, 5, -1, 0, 5, -1, 3, 5, -1];
        var deviation = CommitteeDeviation.Evaluate(forces, 3, "single");
        deviation.MaxForce.Should().BeApproximately(Math.Sqrt(2), 1e-15);
        deviation.EnergyPerAtom.Should().BeNull();
    }

    [Fact]
    public void The_worst_atom_is_found_anywhere_in_the_frame()
    {
        const int models = 4, atoms = 50;
        var forces = new double[models * atoms * 3];
        var random = new Random(4);
        for (var i = 0; i < forces.Length; i++)
        {
            forces[i] = 0.01 * random.NextDouble();
        }

        forces[(2 * atoms * 3) + (37 * 3) + 1] += 2;
        var deviation = CommitteeDeviation.Evaluate(forces, models, "rattled");
        deviation.WorstAtom.Should().Be(37);

        // Model 2 alone is 2 eV/Å off on one component: mean shift 0.5, squared deviations 2.25 + 3·0.25 → 3/4 → √0.75.
        deviation.MaxForce.Should().BeApproximately(Math.Sqrt(0.75), 0.02);
        deviation.MinForce.Should().BeLessThan(0.01);
    }

    [Fact]
    public void Bad_input_names_the_frame_model_and_atom()
    {
        var one = () => CommitteeDeviation.Evaluate(new double[3], 1, "frame-9");
        one.Should().Throw<ArgumentException>().WithMessage("Frame 'frame-9': a committee needs at least 2 models, not 1.*");

        var forces = new double[2 * 3 * 3];
        forces[(1 * 9) + (2 * 3) + 2] = double.NaN;
        var nan = () => CommitteeDeviation.Evaluate(forces, 2, "frame-3");
        nan.Should().Throw<ArgumentException>().WithMessage("Frame 'frame-3': model 1 predicts a non-finite force on atom 2*");

        var ragged = () => CommitteeDeviation.Evaluate(new double[10], 2, "frame-4");
        ragged.Should().Throw<ArgumentException>().WithMessage("Frame 'frame-4'*");

        var empty = () => CommitteeDeviation.Evaluate([], 2, "frame-5");
        empty.Should().Throw<ArgumentException>().WithMessage("Frame 'frame-5'*");

        var energies = () => CommitteeDeviation.Evaluate(new double[6], 2, "frame-6", energies: [1.0]);
        energies.Should().Throw<ArgumentException>().WithMessage("Frame 'frame-6': 1 energies for 2 models*");

        var badEnergy = () => CommitteeDeviation.Evaluate(new double[6], 2, "frame-7", energies: [1.0, double.NaN]);
        badEnergy.Should().Throw<ArgumentException>().WithMessage("Frame 'frame-7': model 1 predicts a non-finite energy*");
    }
}

public sealed class TrustWindowTests
{
    private static readonly TrustWindow Window = new(0.05, 0.15);

    [Theory]
    [InlineData(0.0, TrustClass.Accurate)]
    [InlineData(0.05, TrustClass.Accurate)]
    [InlineData(0.0500001, TrustClass.Candidate)]
    [InlineData(0.1, TrustClass.Candidate)]
    [InlineData(0.1499999, TrustClass.Candidate)]
    [InlineData(0.15, TrustClass.Broken)]
    [InlineData(7.0, TrustClass.Broken)]
    public void Boundaries_belong_to_the_outer_classes(double deviation, TrustClass expected)
    {
        Window.Classify(deviation).Should().Be(expected);
    }

    [Fact]
    public void A_report_counts_the_classes_and_the_accurate_fraction()
    {
        double[] deviations = [0.01, 0.2, 0.07, 0.05, 0.15, 0.03, 0.149, 0.0, 0.12, 0.04];
        var frames = deviations.Select((d, i) => new FrameDeviation($"f{i}", d, 0, 0, 0, null)).ToList();
        var report = Window.Classify(frames);
        report.Accurate.Should().Equal(0, 3, 5, 7, 9);
        report.Candidates.Should().Equal(2, 6, 8);
        report.Broken.Should().Equal(1, 4);
        report.Total.Should().Be(10);
        report.AccurateFraction.Should().Be(0.5);
    }

    [Fact]
    public void Invalid_windows_and_deviations_are_rejected()
    {
        var inverted = () => new TrustWindow(0.2, 0.1);
        inverted.Should().Throw<ArgumentOutOfRangeException>();
        var negative = () => new TrustWindow(-0.1, 0.1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
        new TrustWindow(0.05, double.PositiveInfinity).Classify(1e9).Should().Be(TrustClass.Candidate);

        var empty = () => Window.Classify(new List<FrameDeviation>());
        empty.Should().Throw<ArgumentException>().WithMessage("*no frames*");
        var nan = () => Window.Classify([new FrameDeviation("walker-2/frame-17", double.NaN, 0, 0, 0, null)]);
        nan.Should().Throw<ArgumentException>().WithMessage("*'walker-2/frame-17'*");
    }
}
