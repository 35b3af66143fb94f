using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Potentials;
using Xunit;

namespace ActiveLearning.TestSupport;

/// <summary>The agreement with LAMMPS the product promises: 1e-6 eV/atom, 1e-6 eV/Å per force component, 1e-4 GPa.</summary>
public static class PotentialAgreement
{
    /// <summary>Energy per atom within 1e-6 eV, every force component within 1e-6 eV/Å, per-atom energies within 1e-6 eV, stress within 1e-4 GPa.</summary>
    public static void AssertMatches(LammpsResult lammps, Evaluation ours, string what)
    {
        var atoms = lammps.Structure.Count;
        Assert.True(Math.Abs(lammps.Energy - ours.Energy) / atoms <= 1e-6,
            FormattableString.Invariant($"{what}: energy {ours.Energy:R} eV vs LAMMPS {lammps.Energy:R} eV"));
        for (var i = 0; i < atoms; i++)
        {
            var difference = lammps.Forces[i] - ours.Forces[i];
            Assert.True(difference.MaxAbs <= 1e-6, $"{what}: force on atom {i + 1} {ours.Forces[i]} vs LAMMPS {lammps.Forces[i]}");
            Assert.True(Math.Abs(lammps.AtomEnergies[i] - ours.AtomEnergies[i]) <= 1e-6,
                FormattableString.Invariant($"{what}: energy of atom {i + 1} {ours.AtomEnergies[i]:R} vs LAMMPS {lammps.AtomEnergies[i]:R}"));
        }

        var stress = ours.Stress(lammps.Structure)!.Value;
        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                var differenceGpa = Math.Abs(stress[a, b] - lammps.Stress[a, b]) / Units.GPa;
                Assert.True(differenceGpa <= 1e-4,
                    FormattableString.Invariant($"{what}: stress[{a},{b}] {stress[a, b] / Units.GPa:R} GPa vs LAMMPS {lammps.Stress[a, b] / Units.GPa:R} GPa"));
            }
        }
    }
}
