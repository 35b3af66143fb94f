using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Drivers.QuantumEspresso;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Labelling;

/// <summary>
/// The pw.x labeller running the real pw.x (Debian's quantum-espresso 6.7, PBE, <c>Si.pbe-rrkj.UPF</c>) through the local
/// scheduler. Cutoffs and k-grids are low so that every run takes about a second; the checks compare the labeller with
/// independent readers and with finite differences of pw.x's own energies, which do not depend on the cutoff.
/// </summary>
public sealed class QuantumEspressoLabellerTests
{
    private static readonly QuantumEspressoSettings Settings = Codes.PwSettings;

    /// <summary>
    /// ASE 3.22's espresso reader converts with CODATA 2006 Ry and bohr, we with CODATA 2018; ASE's numbers are brought to
    /// CODATA 2018 with the ratio of the constants it reports, so the comparison tests the reading, not the constants.
    /// </summary>
    [Fact]
    public async Task Si2_and_Si8_labels_agree_with_ASE_reading_the_same_outputs_and_labelling_again_runs_nothing()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        var labeller = CodeLabellers.QuantumEspresso(Settings, null, scheduler);
        Structure[] structures = [SiliconCells.Si2Rattled(), SiliconCells.Si8Rattled()];

        var outcomes = await Codes.LabelAllAsync(labeller, structures);

        outcomes.Should().HaveCount(2);
        foreach (var outcome in outcomes)
        {
            outcome.FailureReason.Should().BeNull();
            var provenance = outcome.Provenance;
            provenance.Method.Should().Be("pw.x");
            provenance.Version.Should().StartWith("6.7");
            provenance.SettingsHash.Should().Be(labeller.SettingsHash).And.MatchRegex("^[0-9a-f]{16}$");
            provenance.JobId.Should().Be("local");
            provenance.Attempts.Should().Be(1);
            provenance.Corrections.Should().BeEmpty();
            Path.GetFileName(provenance.WorkDirectory).Should().MatchRegex("^qe-[0-9a-f]{16}$");
            outcome.Labels!.Forces.Should().HaveCount(structures[outcome.Index].Count);
        }

        var json = await Ase.RunAsync(
            """
            import json, sys
            import ase.io
            from ase.io.espresso import units
            out = {"Ry": units["Ry"], "Bohr": units["Bohr"], "runs": []}
            for path in sys.argv[1:]:
                a = ase.io.read(path, format="espresso-out")
                out["runs"].append({"energy": a.get_potential_energy(), "forces": a.get_forces().tolist(),
                                    "stress": a.get_stress(voigt=False).tolist()})
            print(json.dumps(out))
            """,
            [.. outcomes.Select(o => Path.Combine(o.Provenance.WorkDirectory!, QuantumEspressoCode.OutputFile))]);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var energyScale = Units.Rydberg / root.GetProperty("Ry").GetDouble();
        var lengthScale = root.GetProperty("Bohr").GetDouble() / Units.Bohr;
        for (var k = 0; k < outcomes.Count; k++)
        {
            var run = root.GetProperty("runs")[k];
            var labels = outcomes[k].Labels!;
            var what = $"structure {k}";
            StructureAssert.Close(run.GetProperty("energy").GetDouble() * energyScale, labels.Energy!.Value, 1e-6, what + " energy");
            var forces = run.GetProperty("forces");
            for (var i = 0; i < labels.Forces!.Length; i++)
            {
                for (var axis = 0; axis < 3; axis++)
                {
                    StructureAssert.Close(forces[i][axis].GetDouble() * energyScale * lengthScale, labels.Forces[i][axis], 1e-6, $"{what} force {i} {axis}");
                }
            }

            var stress = run.GetProperty("stress");
            for (var r = 0; r < 3; r++)
            {
                for (var c = 0; c < 3; c++)
                {
                    StructureAssert.Close(stress[r][c].GetDouble() * energyScale * Math.Pow(lengthScale, 3), labels.Stress!.Value[r, c], 1e-6, $"{what} stress {r}{c}");
                }
            }
        }

        // The forces and stress are real (not zero by symmetry), so the agreement means something.
        outcomes[1].Labels!.Forces!.Max(f => f.Length).Should().BeGreaterThan(0.05);
        Math.Abs(outcomes[0].Labels!.Stress!.Value.XY).Should().BeGreaterThan(1e-4);

        // Labelling the same structures again finds the finished work directories: nothing runs, the labels are the same.
        var output = Path.Combine(outcomes[1].Provenance.WorkDirectory!, QuantumEspressoCode.OutputFile);
        var written = File.GetLastWriteTimeUtc(output);
        var again = await Codes.LabelAllAsync(labeller, structures);
        again.Select(o => o.Labels!.Energy).Should().Equal(outcomes.Select(o => o.Labels!.Energy));
        again.Select(o => o.Provenance.WorkDirectory).Should().Equal(outcomes.Select(o => o.Provenance.WorkDirectory));
        File.GetLastWriteTimeUtc(output).Should().Be(written);
    }

    [Fact]
    public async Task Forces_agree_with_a_central_difference_of_pw_x_energies_within_5_percent()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        var labeller = CodeLabellers.QuantumEspresso(Settings, null, scheduler);
        const double h = 0.02;
        const int atom = 4;
        var centre = SiliconCells.Si8Rattled();
        centre.Positions[atom] += new Vec3(0.08, -0.05, 0.06);
        var structures = new List<Structure> { centre };
        for (var axis = 0; axis < 3; axis++)
        {
            foreach (var sign in (double[])[1, -1])
            {
                var displaced = centre.Clone();
                var step = new Vec3(axis == 0 ? h : 0, axis == 1 ? h : 0, axis == 2 ? h : 0);
                displaced.Positions[atom] += sign * step;
                structures.Add(displaced);
            }
        }

        var outcomes = await Codes.LabelAllAsync(labeller, structures);

        outcomes.Should().OnlyContain(o => o.Succeeded);
        var force = outcomes[0].Labels!.Forces![atom];
        force.Length.Should().BeGreaterThan(0.3, "the displaced atom must feel a clear force for a 5 % comparison");
        var difference = Vec3.Zero;
        for (var axis = 0; axis < 3; axis++)
        {
            var plus = outcomes[1 + (2 * axis)].Labels!.Energy!.Value;
            var minus = outcomes[2 + (2 * axis)].Labels!.Energy!.Value;
            var fromEnergies = -(plus - minus) / (2 * h);
            difference += new Vec3(axis == 0 ? fromEnergies : 0, axis == 1 ? fromEnergies : 0, axis == 2 ? fromEnergies : 0);
        }

        (difference - force).Length.Should().BeLessThan(0.05 * force.Length, $"pw.x force {force} vs finite difference {difference}");
    }

    [Fact]
    public async Task A_run_stopped_by_electron_maxstep_is_corrected_and_converges_and_a_crashing_structure_fails_without_stopping_the_batch()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        // Corrections start while other runs still go (the local scheduler takes overlapping calls); the CP2K correction test
        // covers the default of waiting for the running submission.
        var labeller = CodeLabellers.QuantumEspresso(
            Settings with { ElectronMaxStep = 2 }, null, scheduler, new CodeLabellerOptions { OverlappingSubmissions = true });
        var reference = CodeLabellers.QuantumEspresso(Settings, null, scheduler);

        var outcomes = await Codes.LabelAllAsync(labeller, [SiliconCells.Si2Rattled(), Codes.Si2Overlapping(), SiliconCells.Si8Rattled()]);
        var converged = await Codes.LabelAllAsync(reference, [SiliconCells.Si2Rattled()]);

        outcomes.Should().HaveCount(3);
        var corrected = outcomes[0];
        corrected.Succeeded.Should().BeTrue(corrected.FailureReason);
        corrected.Provenance.Attempts.Should().Be(2);
        corrected.Provenance.Corrections.Should().Equal("attempt 1: mixing_beta 0.7 → 0.35, electron_maxstep 2 → 100");
        File.ReadAllText(Path.Combine(corrected.Provenance.WorkDirectory!, "pw.in"), System.Text.Encoding.UTF8)
            .Should().Contain("mixing_beta = 0.35").And.Contain("electron_maxstep = 100");
        // The first attempt really failed: its work directory holds pw.x's own verdict and exit code 2.
        var firstInput = new QuantumEspressoCode().WriteInputs(SiliconCells.Si2Rattled(), Settings with { ElectronMaxStep = 2 })[QuantumEspressoCode.InputFile];
        var first = Directory.GetDirectories(directory.Path).Single(d => File.ReadAllText(Path.Combine(d, QuantumEspressoCode.InputFile)) == firstInput);
        File.ReadAllText(Path.Combine(first, "pw.out")).Should().Contain("convergence NOT achieved after   2 iterations");
        File.ReadAllText(Path.Combine(first, "task.finished")).Trim().Should().Be("2");
        // Mixing changes the path, not the answer.
        corrected.Labels!.Energy!.Value.Should().BeApproximately(converged[0].Labels!.Energy!.Value, 1e-6);

        var crashed = outcomes[1];
        crashed.Succeeded.Should().BeFalse();
        crashed.FailureReason.Should().Contain("check_atoms").And.Contain("overlap").And.Contain("nothing more to try");
        crashed.Provenance.Attempts.Should().Be(2, "a crash is retried once");
        crashed.Provenance.Corrections.Should().ContainSingle().Which.Should().StartWith("attempt 1: retry after");

        outcomes[2].Succeeded.Should().BeTrue("the batch goes on after a failure");
        outcomes[2].Provenance.Attempts.Should().Be(2);
    }

    [Fact]
    public async Task Non_convergence_beyond_the_correction_limit_is_a_failure_with_pw_x_reason()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        // One correction that still leaves too few SCF steps (2 → 4): the second run does not converge either.
        var labeller = new CodeLabeller<QuantumEspressoSettings>(
            new QuantumEspressoCode(),
            Settings with { ElectronMaxStep = 2 },
            CodeProfile.PwX,
            scheduler,
            [new QuantumEspressoScfHandler { MinimumMaxStep = 4 }],
            new CodeLabellerOptions { MaxCorrections = 1 });

        var outcome = (await Codes.LabelAllAsync(labeller, [SiliconCells.Si2Rattled()])).Single();

        outcome.Succeeded.Should().BeFalse();
        outcome.FailureReason.Should().Contain("convergence NOT achieved after   4 iterations").And.Contain("correction limit of 1 reached");
        outcome.Provenance.Attempts.Should().Be(2);
        outcome.Provenance.Version.Should().StartWith("6.7");
        outcome.Provenance.Corrections.Should().ContainSingle().Which.Should().Contain("electron_maxstep 2 → 4");
        File.Exists(Path.Combine(outcome.Provenance.WorkDirectory!, "pw.out")).Should().BeTrue();
    }

    [Fact]
    public async Task A_truncated_output_with_exit_code_0_is_retried_once_and_never_becomes_a_label()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.File("runs"));
        // The real pw.x, its output cut after 3000 bytes by a pipe whose last command succeeds: a job that looks fine.
        var wrapper = directory.File("pw-truncated.sh");
        File.WriteAllText(wrapper, "#!/bin/sh\npw.x \"$@\" | head -c 3000\n");
        Assert.True(OperatingSystem.IsLinux(), "pw.x runs on Linux only");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var labeller = CodeLabellers.QuantumEspresso(Settings, new CodeProfile { Executable = wrapper }, scheduler);

        var outcome = (await Codes.LabelAllAsync(labeller, [SiliconCells.Si2Rattled()])).Single();

        outcome.Succeeded.Should().BeFalse();
        outcome.Labels.Should().BeNull();
        outcome.FailureReason.Should().Contain("output is incomplete").And.Contain("no 'JOB DONE.'");
        outcome.Provenance.Attempts.Should().Be(2);
        new FileInfo(Path.Combine(outcome.Provenance.WorkDirectory!, QuantumEspressoCode.OutputFile)).Length.Should().Be(3000);
    }

    [Fact]
    public async Task Cancelling_stops_the_runs_and_is_not_reported_as_a_failure()
    {
        Codes.Require("pw.x", "quantum-espresso");
        using var directory = new TempDirectory();
        using var scheduler = Codes.Scheduler(directory.Path);
        var labeller = CodeLabellers.QuantumEspresso(Settings with { KPointSpacing = 0.3 }, null, scheduler);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var outcomes = new List<LabelOutcome>();

        var run = async () =>
        {
            await foreach (var outcome in labeller.LabelAsync([SiliconCells.Si8Rattled(), SiliconCells.Si8Rattled().Clone()], cancel.Token))
            {
                outcomes.Add(outcome);
            }
        };

        await run.Should().ThrowAsync<OperationCanceledException>();
        outcomes.Should().BeEmpty("a cancelled run is neither a label nor a failure");
        // The killed run left no finish marker: labelling again would run it, not read a half-written output.
        Directory.GetDirectories(directory.Path).Should().NotBeEmpty()
            .And.OnlyContain(d => !File.Exists(Path.Combine(d, "task.finished")));
    }
}
