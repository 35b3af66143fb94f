# Writes ase-reference.json: ASE's own reading of the captured converged pw.x outputs.
# ASE's espresso reader converts with CODATA 2006 constants (ase.io.espresso.units = create_units('2006')),
# recorded here so the tests can bring ASE's numbers to our CODATA 2018 units exactly.
import json, sys
import ase, ase.io
from ase.io.espresso import units

here = sys.argv[1] if len(sys.argv) > 1 else "."
ref = {"ase_version": ase.__version__, "ase_espresso_codata": "2006",
       "ase_Ry_eV": units["Ry"], "ase_Bohr_A": units["Bohr"], "cases": {}}
for n in ["si2-diamond", "si2-rattled", "si8-rattled"]:
    a = ase.io.read(f"{here}/{n}.out", format="espresso-out")
    ref["cases"][n] = {"energy_eV": a.get_potential_energy(), "forces_eV_per_A": a.get_forces().tolist(),
                       "stress_eV_per_A3_voigt_xx_yy_zz_yz_xz_xy": a.get_stress().tolist()}
print(json.dumps(ref, indent=1))
