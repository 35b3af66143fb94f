using System.CommandLine;
using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Drivers.Labelling;
using ActiveLearning.Orchestrator.Campaigns;
using ActiveLearning.Orchestrator.Labelling;
using ActiveLearning.Schedulers.Clusters;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al label --reference REF.yaml [--cluster CLUSTER.yaml] IN OUT</c>: labels structures with a campaign's reference method.</summary>
internal static class LabelCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Structures to label (any format al convert reads)." };
        var output = new Argument<string>("output") { Description = "Where to write them with their labels and provenance (replaced atomically)." };
        var referenceOption = new Option<string>("--reference", "-r")
        {
            Description = "A YAML file holding what a campaign's reference: block holds (kind potential, quantum-espresso, cp2k or vasp, with settings).",
            Required = true,
            HelpName = "REF.yaml",
        };
        var clusterOption = new Option<string?>("--cluster", "-c")
        {
            Description = "A YAML file holding one cluster entry (kind local with cores, or kind slurm with ssh, remote_root, tasks_per_job and resources); default: this machine, all cores.",
            HelpName = "CLUSTER.yaml",
        };
        var workdirOption = new Option<string?>("--workdir")
        {
            Description = "Where the code's runs go, one directory per task named by its inputs' hash (a second run finds finished tasks); "
                + "on a SLURM cluster also its job journal (journal/), the downloaded outputs (outputs/) and, without ssh, the work directories (remote/); default OUTPUT.runs.",
            HelpName = "DIR",
        };
        var pollOption = new Option<double>("--poll")
        {
            Description = "Seconds between two looks at a SLURM queue (one squeue for all jobs); default 10.",
            DefaultValueFactory = _ => 10,
            HelpName = "SECONDS",
        };

        var command = new Command(
            "label",
            """
            Label structures with a reference method: a teacher potential, pw.x, CP2K or VASP, on this machine or a SLURM cluster.

            The output holds every input structure in order; labelled ones carry REF_energy (eV), REF_forces (eV/Å) and
            REF_stress (eV/Å³, ASE's sign) and the provenance keys label_method, label_version, label_settings_hash,
            label_job (local, or slurm and the job id), label_workdir, label_attempts and label_corrections; structures that could not be labelled carry
            label_failure with the reason and no labels. SCF failures are corrected (lower mixing, more steps) and crashes
            retried once before a structure counts as failed. Exit codes: 0 all labelled, 1 some failed (the output is
            still written), 2 bad input (nothing runs).

            Kind vasp takes potcar_dir (one folder per element holding its POTCAR, assembled here), potcars (e.g.
            { Fe: Fe_pv }), encut (eV), kspacing or kpoints, ismear, sigma, ediff, nelm, algo, prec, amix, spin_polarized
            and magmom; its command defaults to vasp_std.

            Example REF.yaml for pw.x:
              kind: quantum-espresso
              pseudopotentials: { Si: Si.pbe-rrkj.UPF }
              pseudo_dir: /usr/share/espresso/pseudo
              ecutwfc: 30
              kspacing: 0.3

            Example CLUSTER.yaml for a SLURM cluster reached over ssh (without ssh, sbatch runs on this machine):
              kind: slurm
              ssh: { host: login.example.org, user: me }
              remote_root: /scratch/me/al
              tasks_per_job: 4
              resources: { partition: short, time: "00:30:00", cpus_per_task: 1 }
            On SLURM, corrected attempts go in the next submission once the running jobs have ended, and the files the
            settings name (pseudopotentials) are checked on the cluster, not here, when it is reached over ssh. A second run
            with the same --workdir picks up jobs still in the queue instead of submitting them again.

            Examples:
              al label --reference qe.yaml selected.extxyz labelled.extxyz
              al label -r cp2k-xtb.yaml --cluster local.yaml selected.extxyz labelled.extxyz
              al label -r qe.yaml --cluster hpc.yaml --workdir runs selected.extxyz labelled.extxyz
            """)
        {
            input, output, referenceOption, clusterOption, workdirOption, pollOption,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output)!;
            var from = StructureFiles.ResolveFormat(inputPath, null);
            var to = StructureFiles.ResolveFormat(outputPath, null);
            var referencePath = parse.GetValue(referenceOption)!;
            var reference = CampaignParser.ParseReference(referencePath);
            var cluster = parse.GetValue(clusterOption) is { } clusterPath
                ? CampaignParser.ParseCluster(clusterPath).ToSettings()
                : new ClusterSettings(ClusterKind.Local);
            var poll = parse.GetValue(pollOption);
            if (!(poll > 0 && poll <= 3600))
            {
                throw new BadInputException(string.Create(CultureInfo.InvariantCulture, $"--poll {poll}: expected seconds between 0 and 3600."));
            }

            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"{inputPath}: no such file.");
            }

            var structures = StructureFiles.ReadAll(inputPath, from);
            var workdir = Path.GetFullPath(parse.GetValue(workdirOption) ?? outputPath + ".runs");
            var console = new Lock();
            await using var runs = LabelScheduler.Open(cluster, workdir, TimeSpan.FromSeconds(poll), new SchedulerProgress(context, console));
            var labeller = CreateLabeller(reference, referencePath, structures, runs);

            context.Error.WriteLine($"Labelling {structures.Count} structure{(structures.Count == 1 ? string.Empty : "s")} with {labeller.Method} (settings {labeller.SettingsHash}) on {runs.Where}.");
            var failed = 0;
            var done = 0;
            try
            {
                await foreach (var outcome in labeller.LabelAsync(structures, cancellationToken))
                {
                    done++;
                    var structure = structures[outcome.Index];
                    Record(structure, outcome, runs.JobKind);
                    var job = outcome.Provenance.JobId is { } id && id != "local" ? $" (job {id})" : string.Empty;
                    lock (console)
                    {
                        if (outcome.Succeeded)
                        {
                            context.Error.WriteLine(string.Create(
                                CultureInfo.InvariantCulture,
                                $"  [{done}/{structures.Count}] structure {outcome.Index + 1} ({structure.Formula}): E = {outcome.Labels!.Energy:F6} eV, {Attempts(outcome)}{job}"));
                        }
                        else
                        {
                            failed++;
                            context.Error.WriteLine($"  [{done}/{structures.Count}] structure {outcome.Index + 1} ({structure.Formula}) FAILED after {Attempts(outcome)}{job}: {outcome.FailureReason}");
                        }
                    }
                }
            }
            catch (LabelSettingsException e)
            {
                throw new BadInputException(e.Message, e);
            }

            StructureFiles.Write(outputPath, structures, to, cancellationToken: cancellationToken);
            context.Error.WriteLine($"Labelled {structures.Count - failed} of {structures.Count}; {failed} failed; wrote {outputPath} (runs in {workdir}).");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Attempts(LabelOutcome outcome) =>
        outcome.Provenance.Attempts == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{outcome.Provenance.Attempts} attempts");

    private static ILabeller CreateLabeller(ReferenceSpec reference, string referencePath, IReadOnlyList<Structure> structures, LabelScheduler runs)
    {
        switch (reference)
        {
            case PotentialReference teacher:
                var elements = structures.SelectMany(s => s.AtomicNumbers).Distinct().Order().ToArray();
                var directory = Path.GetDirectoryName(Path.GetFullPath(referencePath))!;
                var potential = PotentialLibrary.Load(teacher.Potential, elements, [directory, .. PotentialLibrary.SearchDirectories]);
                return new TeacherLabeller(potential, teacher.Potential);
            case CodeReference code:
                var labeller = CodeReferenceLabellers.Create(code, runs)
                    ?? throw new BadInputException($"{referencePath}: kind {code.Code} gives no settings; expected {CodeReferenceLabellers.ExpectedSettings(code.Code)}.");
                Check(labeller.FindProblems(structures), referencePath);
                return labeller;
            default:
                throw new BadInputException($"{referencePath}: unknown reference kind.");
        }
    }

    private static void Check(IReadOnlyList<string> problems, string referencePath)
    {
        if (problems.Count > 0)
        {
            throw new BadInputException($"{referencePath}: the settings cannot run: {string.Join("; ", problems)}.");
        }
    }

    private static void Record(Structure structure, LabelOutcome outcome, string? jobKind)
    {
        var provenance = outcome.Provenance;
        structure.Reference = outcome.Labels;
        structure.Info["label_method"] = provenance.Method;
        if (provenance.Version is { } version)
        {
            // Program and version together: a bare version such as 2023.1 would be read back as a number by extxyz readers.
            structure.Info["label_version"] = $"{provenance.Method} {version}";
        }

        structure.Info["label_settings_hash"] = provenance.SettingsHash;
        if (provenance.JobId is { } job)
        {
            // "slurm 123", not 123: a bare job id would be read back as a number by extxyz readers, unlike "local".
            structure.Info["label_job"] = jobKind is null ? job : $"{jobKind} {job}";
        }

        if (provenance.WorkDirectory is { } directory)
        {
            structure.Info["label_workdir"] = directory;
        }

        structure.Info["label_attempts"] = (long)provenance.Attempts;
        if (provenance.Corrections.Count > 0)
        {
            structure.Info["label_corrections"] = string.Join(" | ", provenance.Corrections);
        }

        if (outcome.FailureReason is { } reason)
        {
            structure.Info["label_failure"] = reason;
        }
    }
}
