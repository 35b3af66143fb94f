using ActiveLearning.Benchmarks;

// Side-by-side measurements against the peer tools, one scenario per argument; see docs/benchmarks.md.
var scenarios = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
{
    ["extxyz-1m"] = ExtendedXyzMillionAtoms.RunAsync,
    ["sw-md-512"] = SiliconMdVersusLammps.RunAsync,
    ["mtp-md-512"] = MtpMdSpeed.RunAsync,
    ["maxvol-92"] = MaxVolVersusNumpy.RunAsync,
    ["store-100k"] = StoreScale.RunAsync,
    ["data-efficiency"] = DataEfficiency.RunAsync,
    ["slurm-overhead"] = SlurmOverhead.RunAsync,
    ["snap-md-512"] = SnapMdVersusKim.RunAsync,
    ["si-embedded"] = SiEmbeddedAcceptance.RunAsync,
    ["sic-tersoff"] = SampleAcceptance.SicAsync,
    ["al-ndsc-phonons"] = SampleAcceptance.AlAsync,
    ["si-indirect"] = SiIndirectAcceptance.RunAsync,
};

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project tests/Benchmarks -- SCENARIO [options]\nscenarios: {string.Join(", ", scenarios.Keys)}");
    return 2;
}

return await scenario(args[1..]);
