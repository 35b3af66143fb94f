using System.Text.Json;
using ActiveLearning.Atomistics;

namespace ActiveLearning.Integration.Tests;

/// <summary>
/// A Python preamble that turns ASE's view of a file into JSON, and accessors for that JSON, so tests compare what ASE
/// read with what we hold.
/// </summary>
public static class AseJson
{
    /// <summary>
    /// Defines <c>frame_json(atoms)</c>: numbers, cell rows, pbc, positions, velocities (Å/fs), calculator energy, free
    /// energy, forces and stress (3×3, ASE sign), info (with Python types) and per-atom arrays other than the built-ins.
    /// </summary>
    public const string Preamble = """
        import json, sys
        import numpy as np
        import ase.io
        from ase import units

        def plain(v):
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, (np.integer,)):
                return int(v)
            if isinstance(v, (np.floating,)):
                return float(v)
            if isinstance(v, (np.bool_,)):
                return bool(v)
            return v

        def kind(v):
            if isinstance(v, (bool, np.bool_)): return 'bool'
            if isinstance(v, (int, np.integer)): return 'int'
            if isinstance(v, (float, np.floating)): return 'float'
            if isinstance(v, str): return 'str'
            if isinstance(v, np.ndarray): return 'array-' + v.dtype.kind
            if isinstance(v, list): return 'list'
            return type(v).__name__

        def frame_json(a):
            d = {'numbers': a.numbers.tolist(), 'cell': a.cell.array.tolist(), 'pbc': [bool(x) for x in a.pbc],
                 'positions': a.positions.tolist()}
            if 'momenta' in a.arrays:
                d['velocities'] = (a.get_velocities() * units.fs).tolist()
            calc = a.calc
            if calc is not None:
                r = calc.results
                if 'energy' in r: d['energy'] = float(r['energy'])
                if 'free_energy' in r: d['free_energy'] = float(r['free_energy'])
                if 'forces' in r: d['forces'] = np.asarray(r['forces']).tolist()
                if 'stress' in r:
                    s = np.asarray(r['stress'])
                    if s.shape == (6,):
                        xx, yy, zz, yz, xz, xy = s
                        s = np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])
                    d['stress'] = s.tolist()
            skip = {'energy', 'free_energy', 'stress'}
            d['info'] = {k: [kind(v), plain(v)] for k, v in a.info.items() if k not in skip}
            d['arrays'] = {k: [v.dtype.kind, v.tolist()] for k, v in a.arrays.items()
                           if k not in ('numbers', 'positions', 'momenta', 'forces')}
            return d
        """;

    /// <summary>Parses the JSON list of frames a script printed.</summary>
    public static List<JsonElement> ParseFrames(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>A list of 3-vectors.</summary>
    public static Vec3[] Vectors(JsonElement array) =>
        array.EnumerateArray().Select(v => new Vec3(v[0].GetDouble(), v[1].GetDouble(), v[2].GetDouble())).ToArray();

    /// <summary>A 3×3 matrix given as rows.</summary>
    public static Mat3 Matrix(JsonElement rows)
    {
        var r = Vectors(rows);
        return Mat3.FromRows(r[0], r[1], r[2]);
    }

    /// <summary>A list of doubles.</summary>
    public static double[] Reals(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
