using System.Globalization;
using ActiveLearning.Atomistics;
using ActiveLearning.Atomistics.Phonons;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.TestSupport;

namespace ActiveLearning.Integration.Tests.Phonons;

/// <summary>
/// Finite-displacement phonons of fcc Al with Zhou's EAM (Debian's <c>Al_zhou.eam.alloy</c>) against ASE's
/// <c>ase.phonons.Phonons</c> with ASE's own EAM calculator reading the same file: the same 2×2×2 supercell and 0.01 Å
/// displacements, frequencies at Γ, X and L (all commensurate with it) agree to 1e-3 THz.
/// </summary>
public sealed class PhononAseTests
{
    private const double LatticeConstant = 4.08166;

    private const string Script = """
import sys, os, tempfile
import numpy as np
from ase.build import bulk
from ase.calculators.eam import EAM
from ase.phonons import Phonons
from ase.units import _e, _hplanck

os.chdir(tempfile.mkdtemp())
atoms = bulk('Al', 'fcc', a=float(sys.argv[2]))
phonons = Phonons(atoms, EAM(potential=sys.argv[1]), supercell=(2, 2, 2), delta=0.01, name='al')
phonons.run()
phonons.read(acoustic=False, symmetrize=0)
for q in ([0, 0, 0], [0.5, 0, 0.5], [0.5, 0.5, 0.5]):
    energies = phonons.band_structure([q])[0]
    print('FREQ', ' '.join(repr(float(e) * _e / _hplanck / 1e12) for e in np.sort(energies)))
""";

    [Fact]
    public async Task Al_frequencies_at_gamma_x_and_l_agree_with_ase_phonons()
    {
        var file = Path.Combine("/usr/share/lammps/potentials", "Al_zhou.eam.alloy");
        File.Exists(file).Should().BeTrue("lammps-data provides the EAM file; run ./test.sh, which installs it");
        var output = await Ase.RunAsync(Script, file, LatticeConstant.ToString("R", CultureInfo.InvariantCulture));
        // ASE prints a warning line for the (numerically) imaginary acoustic modes at Γ; the frequencies are tagged.
        var expected = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith("FREQ ", StringComparison.Ordinal))
            .Select(line => line.Split(' ').Skip(1).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray()).ToList();
        expected.Should().HaveCount(3);

        var potential = PotentialLibrary.Load(file, [13]);
        var constants = ForceConstants.Compute(potential, Crystals.FccPrimitive(13, LatticeConstant), new int[,] { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 2 } });
        Vec3[] points = [new(0, 0, 0), new(0.5, 0, 0.5), new(0.5, 0.5, 0.5)];

        for (var i = 0; i < points.Length; i++)
        {
            var ours = constants.FrequenciesTHz(points[i]);
            ours.Should().Equal(expected[i], (a, b) => Math.Abs(a - b) < 1e-3, $"q = {points[i]}: ours {string.Join(", ", ours)}, ASE {string.Join(", ", expected[i])}");
        }

        expected[1].Max().Should().BeGreaterThan(8, "the longitudinal mode at X of Al is near 8.4 THz (a real, non-trivial spectrum)");
    }
}
