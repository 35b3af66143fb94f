using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Dynamics;
using ActiveLearning.Atomistics.Formats;
using ActiveLearning.Atomistics.Potentials;

namespace ActiveLearning.Orchestrator.Cli;

/// <summary><c>al md --potential P IN OUT</c>: molecular dynamics from one structure.</summary>
internal static class MdCommand
{
    private static readonly Dictionary<string, Ensemble> Ensembles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nve"] = Ensemble.Nve,
        ["langevin"] = Ensemble.Langevin,
        ["nose-hoover"] = Ensemble.NoseHoover,
        ["npt"] = Ensemble.NptIsotropic,
        ["npt-aniso"] = Ensemble.NptAnisotropic,
    };

    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "The starting structure (the first frame unless --frame)." };
        var output = new Argument<string>("output") { Description = "The final structure, with velocities and labels." };
        var potentialOption = PotentialOptions.Potential();
        var elementsOption = PotentialOptions.Elements();
        var threadsOption = PotentialOptions.Threads();
        var frame = new Option<int>("--frame") { Description = "Which frame of INPUT to start from (0-based).", DefaultValueFactory = _ => 0 };
        var ensemble = new Option<string>("--ensemble")
        {
            Description = "nve, langevin, nose-hoover (NVT, chain of 3), npt (isotropic MTK), npt-aniso (x, y, z independently).",
            DefaultValueFactory = _ => "nose-hoover",
            HelpName = "nve|langevin|nose-hoover|npt|npt-aniso",
        };
        var steps = new Option<int>("--steps") { Description = "Number of steps.", DefaultValueFactory = _ => 1000 };
        var timestep = new Option<double>("--timestep") { Description = "Timestep in fs.", DefaultValueFactory = _ => 1.0 };
        var temperature = new Option<string>("--temperature", "-T")
        {
            Description = "Target temperature in K, or START:END for a linear ramp; also the Maxwell–Boltzmann start when INPUT has no velocities.",
            DefaultValueFactory = _ => "300",
        };
        var pressure = new Option<string>("--pressure", "-P")
        {
            Description = "Target pressure in GPa for npt, or START:END for a linear ramp.",
            DefaultValueFactory = _ => "0",
        };
        var thermostatDamping = new Option<double>("--tdamp") { Description = "Thermostat time constant in fs.", DefaultValueFactory = _ => 100 };
        var barostatDamping = new Option<double>("--pdamp") { Description = "Barostat time constant in fs.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (velocities, Langevin noise).", DefaultValueFactory = _ => 1 };
        var trajectory = new Option<string?>("--trajectory") { Description = "Write frames with labels to this file (extxyz or any multi-frame format)." };
        var every = new Option<int>("--every") { Description = "Steps between trajectory frames.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the run summary as JSON on standard output." };

        var command = new Command(
            "md",
            """
            Run molecular dynamics with a potential.

            Velocity Verlet (NVE), Langevin or Nosé–Hoover chain (NVT), or the MTK barostat (NPT), with optional linear temperature and pressure ramps. Progress (step, T, P, energy) is shown every
            two seconds; Ctrl-C stops after the current step and still writes OUTPUT and the trajectory so far (exit 130).

            Examples:
              al md -p sw --ensemble nve -T 1000 --steps 20000 diamond.vasp final.extxyz
              al md -p Si.tersoff -T 300:1500 --steps 50000 --trajectory melt.extxyz --every 100 si.xyz hot.xyz
              al md -p sw --ensemble npt -T 500 -P 0:5 --steps 20000 si.extxyz compressed.extxyz
            """)
        {
            input, output, potentialOption, elementsOption, threadsOption, frame, ensemble, steps, timestep, temperature, pressure,
            thermostatDamping, barostatDamping, seed, trajectory, every, json,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output)!;
            var outputFormat = StructureFiles.ResolveFormat(outputPath, null);
            var structure = InputStructure.Read(inputPath, parse.GetValue(frame));
            var potential = PotentialOptions.Load(parse.GetValue(potentialOption)!, parse.GetValue(elementsOption), inputPath, StructureFiles.ResolveFormat(inputPath, null));
            var ensembleName = parse.GetValue(ensemble)!;
            var (startT, endT) = Range(parse.GetValue(temperature)!, "--temperature");
            var (startP, endP) = Range(parse.GetValue(pressure)!, "--pressure");
            var options = new MdOptions
            {
                Ensemble = Ensembles.TryGetValue(ensembleName, out var chosen)
                    ? chosen
                    : throw new BadInputException($"--ensemble {ensembleName}: expected one of {string.Join(", ", Ensembles.Keys)}."),
                Steps = parse.GetValue(steps),
                TimestepFs = parse.GetValue(timestep),
                StartTemperatureK = startT,
                EndTemperatureK = endT,
                StartPressureGPa = startP,
                EndPressureGPa = endP,
                ThermostatDampingFs = parse.GetValue(thermostatDamping),
                BarostatDampingFs = parse.GetValue(barostatDamping),
                Seed = parse.GetValue(seed),
                TrajectoryInterval = parse.GetValue(trajectory) is null ? 0 : parse.GetValue(every),
                Threads = ResolveThreads(parse.GetValue(threadsOption)),
            };
            BadInputException.Check(options.Validate);

            var trajectoryPath = parse.GetValue(trajectory);
            using var trajectoryFile = trajectoryPath is null
                ? null
                : StructureFiles.OpenWriter(trajectoryPath, StructureFiles.ResolveFormat(trajectoryPath, null));
            var progress = new MdProgress(context, options.Steps);
            MdSummary summary;
            try
            {
                summary = MolecularDynamics.Run(structure, potential, options, progress, trajectoryFile, cancellationToken);
            }
            catch (MolecularDynamicsException e) when (e.InnerException is PotentialException)
            {
                throw new BadInputException($"{inputPath}: {e.Message}", e);
            }

            trajectoryFile?.Commit();
            StructureFiles.Write(outputPath, [structure], outputFormat);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.StopReason} after {summary.StepsDone} steps: mean T {summary.MeanTemperatureK:F1} K, " +
                $"mean P {summary.MeanPressureGPa:F3} GPa, drift {summary.ConservedEnergyDriftPerAtom:E2} eV/atom; wrote {outputPath}."));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    steps = summary.StepsDone,
                    stop = summary.StopReason.ToString(),
                    mean_temperature_K = summary.MeanTemperatureK,
                    mean_pressure_GPa = double.IsFinite(summary.MeanPressureGPa) ? summary.MeanPressureGPa : (double?)null,
                    mean_volume_A3 = summary.MeanVolume,
                    drift_eV_per_atom = summary.ConservedEnergyDriftPerAtom,
                    final_energy_eV = summary.FinalPotentialEnergy,
                }));
            }

            return Task.FromResult(summary.StopReason == MdStopReason.Cancelled ? ExitCodes.Cancelled : ExitCodes.Ok);
        });
        return command;
    }

    internal static int ResolveThreads(int threads) => threads == 0 ? Environment.ProcessorCount : threads;

    /// <summary>Parses "300" or "300:1500".</summary>
    internal static (double Start, double? End) Range(string text, string option)
    {
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 2 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            throw new BadInputException($"{option} {text}: expected a number or START:END.");
        }

        var start = double.Parse(parts[0], CultureInfo.InvariantCulture);
        return (start, parts.Length == 2 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : null);
    }

    private sealed class MdProgress(CliContext context, int totalSteps) : IMdObserver
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
        private long lastReport = context.Time.GetTimestamp();

        public bool OnStep(in MdStep step)
        {
            if (context.Time.GetElapsedTime(lastReport) >= Interval)
            {
                lastReport = context.Time.GetTimestamp();
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  step {step.Step}/{totalSteps}  T {step.TemperatureK:F1} K  P {step.PressureGPa:F3} GPa  E {step.PotentialEnergy / step.Structure.Count:F5} eV/atom"));
            }

            return true;
        }
    }
}

/// <summary>Reads the one structure a command works on.</summary>
internal static class InputStructure
{
    public static Structure Read(string path, int frame)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.");
        }

        if (frame < 0)
        {
            throw new BadInputException($"--frame {frame}: frames count from 0.");
        }

        var index = 0;
        foreach (var structure in StructureFiles.Read(path, StructureFiles.ResolveFormat(path, null)))
        {
            if (index++ == frame)
            {
                return structure;
            }
        }

        throw new BadInputException($"{path} has {index} frame{(index == 1 ? string.Empty : "s")}; --frame {frame} does not exist.");
    }
}
