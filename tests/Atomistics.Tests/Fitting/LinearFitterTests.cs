using ActiveLearning.Atomistics.Fitting;
using ActiveLearning.Atomistics.Potentials;
using Xunit.Abstractions;

namespace ActiveLearning.Atomistics.Tests.Fitting;

public sealed class LinearFitterTests(ITestOutputHelper output)
{
    private static readonly LinearFitOptions Exact = new() { Regularisation = 0 };

    [Fact]
    public void Noise_free_data_of_the_same_model_give_back_its_parameters()
    {
        var random = new Random(11);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 30);
        var start = truth.WithParameters(new double[truth.ParameterCount]);

        var fit = LinearFitter.Fit(start, data, Exact with { Threads = 1 });

        FitData.ParametersClose(truth.Parameters, fit.Potential.Parameters, 1e-8);
        fit.Solution.Solver.Should().Be(LinearSolver.Cholesky);
        fit.Solution.Rank.Should().Be(truth.ParameterCount);
        fit.Solution.UnconstrainedParameters.Should().Be(0);
        fit.Structures.Should().Be(30);
        fit.EnergyRows.Should().Be(30);
        fit.ForceRows.Should().Be(30 * 8 * 3);
        fit.StressRows.Should().Be(30 * 6);

        var withDefaults = LinearFitter.Fit(start, data);
        var largest = truth.Parameters.Zip(withDefaults.Potential.Parameters, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"default regularisation: largest parameter error {largest:G3}, condition {withDefaults.Solution.ConditionEstimate:G3}");
        FitData.ParametersClose(truth.Parameters, withDefaults.Potential.Parameters, 1e-6);
    }

    [Fact]
    public void Results_are_bitwise_reproducible_for_a_thread_count_and_agree_across_counts()
    {
        var random = new Random(12);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 40);

        var serial = LinearFitter.Fit(truth, data, new LinearFitOptions { Threads = 1 });
        var threaded = LinearFitter.Fit(truth, data, new LinearFitOptions { Threads = 3, BatchPerThread = 4 });
        var again = LinearFitter.Fit(truth, data, new LinearFitOptions { Threads = 3, BatchPerThread = 4 });

        again.Potential.Parameters.Should().Equal(threaded.Potential.Parameters);
        FitData.ParametersClose(serial.Potential.Parameters, threaded.Potential.Parameters, 1e-10);
        threaded.Structures.Should().Be(40);
    }

    [Fact]
    public void The_weights_decide_between_contradicting_energies_and_forces()
    {
        // Energies from model A, forces and stresses from model B: with forces weighted lightly the fit is A, heavily it takes B's pair terms.
        var random = new Random(13);
        var energyModel = FitData.SiliconCarbon(random);
        var forceModel = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, forceModel, 30);
        var evaluation = new Evaluation(threads: 1);
        foreach (var structure in data)
        {
            energyModel.Compute(structure, evaluation);
            structure.Reference = structure.Reference! with { Energy = evaluation.Energy };
        }

        var energyLed = LinearFitter.Fit(energyModel, data, Exact with { ForceWeight = 1e-12, StressWeight = 0 });
        var forceLed = LinearFitter.Fit(energyModel, data, Exact with { ForceWeight = 1e6, StressWeight = 0 });

        FitData.ParametersClose(energyModel.Parameters, energyLed.Potential.Parameters, 1e-4);
        FitData.ParametersClose(forceModel.Parameters.Skip(2).ToList(), forceLed.Potential.Parameters.Skip(2).ToList(), 1e-4);
        var energyLedErrors = ErrorReport.Compute(energyLed.Potential, data, threads: 1).Overall;
        var forceLedErrors = ErrorReport.Compute(forceLed.Potential, data, threads: 1).Overall;
        energyLedErrors.EnergyRmseMeVPerAtom.Should().BeLessThan(forceLedErrors.EnergyRmseMeVPerAtom!.Value / 100);
        forceLedErrors.ForceRmseEVPerAngstrom.Should().BeLessThan(energyLedErrors.ForceRmseEVPerAngstrom!.Value / 100);
    }

    [Fact]
    public void Stresses_alone_fix_the_pair_terms_and_leave_the_constants_unconstrained_at_zero()
    {
        var random = new Random(14);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 30);

        var fit = LinearFitter.Fit(truth, data, Exact with { EnergyWeight = 0, ForceWeight = 0, StressWeight = 1 });

        fit.Solution.UnconstrainedParameters.Should().Be(2);
        fit.Solution.Rank.Should().Be(truth.ParameterCount - 2);
        fit.EnergyRows.Should().Be(0);
        fit.ForceRows.Should().Be(0);
        fit.Potential.Parameters[0].Should().Be(0);
        fit.Potential.Parameters[1].Should().Be(0);
        FitData.ParametersClose(truth.Parameters.Skip(2).ToList(), fit.Potential.Parameters.Skip(2).ToList(), 1e-7);
    }

    [Theory]
    [InlineData(SizeNormalisation.Total, 20001.0 / 10001.0)]
    [InlineData(SizeNormalisation.PerAtom, 1.5)]
    [InlineData(SizeNormalisation.PerSqrtAtom, 201.0 / 101.0)]
    public void Size_normalisation_balances_small_and_large_cells_as_documented(SizeNormalisation normalisation, double expected)
    {
        // A one-parameter model E = c·N: one atom says c = 1, a hundred atoms say c = 2.
        var options = new LinearFitOptions { Normalisation = normalisation, Regularisation = 0 };
        var equations = new NormalEquations(1);
        var rows = new LinearRows();
        foreach (var (atoms, energyPerAtom) in new[] { (1, 1.0), (100, 2.0) })
        {
            var structure = new Structure(Cell.Empty, Pbc.None, new int[atoms], new Vec3[atoms]) { Reference = new LabelSet(atoms * energyPerAtom) };
            rows.Reset(atoms, 1, withForces: false);
            rows.Energy[0] = atoms;
            equations.AddStructure(structure, rows, options);
        }

        var solution = equations.Solve(options);

        solution.Parameters[0].Should().BeApproximately(expected, 1e-12);
        equations.EnergyRows.Should().Be(2);
    }

    [Fact]
    public void A_single_energy_gives_the_minimum_norm_fit_that_reproduces_it()
    {
        var random = new Random(15);
        var truth = FitData.SiliconCarbon(random);
        var only = FitData.Labelled(random, truth, 1);
        only[0].Reference = new LabelSet(only[0].Reference!.Energy);

        var exact = LinearFitter.Fit(truth, only, Exact);
        var regularised = LinearFitter.Fit(truth, only);

        exact.Solution.Solver.Should().Be(LinearSolver.Eigen);
        exact.Solution.Rank.Should().Be(1);
        foreach (var fit in new[] { exact, regularised })
        {
            fit.Potential.Parameters.Should().OnlyContain(p => double.IsFinite(p));
            Energy(fit.Potential, only[0]).Should().BeApproximately(only[0].Reference!.Energy!.Value, 1e-6);
        }
    }

    [Fact]
    public void Duplicated_structures_change_nothing_and_stay_finite()
    {
        var random = new Random(16);
        var truth = FitData.SiliconCarbon(random);
        var pair = FitData.Labelled(random, truth, 2);
        foreach (var structure in pair)
        {
            structure.Reference = structure.Reference! with { Stress = null };
        }

        var repeated = Enumerable.Range(0, 10).SelectMany(_ => pair).ToList();
        foreach (var options in new[] { Exact, new LinearFitOptions() })
        {
            var once = LinearFitter.Fit(truth, pair, options with { Threads = 1 });
            var tenTimes = LinearFitter.Fit(truth, repeated, options with { Threads = 1 });

            tenTimes.Potential.Parameters.Should().OnlyContain(p => double.IsFinite(p));
            tenTimes.Solution.Rank.Should().Be(once.Solution.Rank);
            FitData.ParametersClose(once.Potential.Parameters, tenTimes.Potential.Parameters, 1e-6);
            output.WriteLine($"λ = {options.Regularisation}: {tenTimes.Solution.Solver}, rank {tenTimes.Solution.Rank} of {truth.ParameterCount}");
        }
    }

    [Fact]
    public void Structures_are_streamed_and_not_kept_even_for_5000_of_them()
    {
        var random = new Random(17);
        var truth = FitData.SiliconCarbon(random, basisSize: 4);
        var yielded = new List<WeakReference<Structure>>();
        var stillAlive = -1;
        const int total = 5000;
        IEnumerable<Structure> Generate()
        {
            for (var s = 0; s < total; s++)
            {
                if (s == 4000)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    stillAlive = yielded.Count(w => w.TryGetTarget(out _));
                }

                var structure = FitData.Label(FitData.RandomSiliconCarbon(random, atoms: 3), truth);
                yielded.Add(new WeakReference<Structure>(structure));
                yield return structure;
            }
        }

        var fit = LinearFitter.Fit(truth.WithParameters(new double[truth.ParameterCount]), Generate(), Exact with { Threads = 2, BatchPerThread = 8 });

        fit.Structures.Should().Be(total);
        yielded.Should().HaveCount(total);
        output.WriteLine($"structures alive at the 4000th: {stillAlive}");
        stillAlive.Should().BeInRange(0, 2 * 2 * 8, "only the current batch may be held");
        FitData.ParametersClose(truth.Parameters, fit.Potential.Parameters, 1e-8);
    }

    [Fact]
    public void Bad_input_fails_clearly()
    {
        var random = new Random(18);
        var truth = FitData.SiliconCarbon(random);
        var data = FitData.Labelled(random, truth, 4);
        data[2].Reference = data[2].Reference! with { Energy = double.NaN };
        var unlabelled = FitData.RandomSiliconCarbon(random);

        FluentActions.Invoking(() => LinearFitter.Fit(truth, data)).Should().Throw<ArgumentException>().WithMessage("Structure 3 *energy*");
        FluentActions.Invoking(() => LinearFitter.Fit(truth, [unlabelled])).Should().Throw<InvalidOperationException>().WithMessage("*nothing to fit*");
        FluentActions.Invoking(() => LinearFitter.Fit(truth, data, new LinearFitOptions { ForceWeight = -1 })).Should().Throw<ArgumentException>();
        var oxygen = new Structure(Cell.Empty, Pbc.None, [8], [Vec3.Zero]) { Reference = new LabelSet(-1.0) };
        FluentActions.Invoking(() => LinearFitter.Fit(truth, [data[0], oxygen])).Should().Throw<PotentialException>().WithMessage("Structure 2 *O*");
    }

    private static double Energy(IPotential potential, Structure structure)
    {
        var evaluation = new Evaluation(threads: 1);
        potential.Compute(structure, evaluation);
        return evaluation.Energy;
    }
}
