using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Generators;

/// <summary>
/// AIRSS buildcell-style random structures: a random cell of the target volume, atoms at random positions (as whole orbits
/// of a space group when symmetry is asked for), pushed apart pairwise until every minimum separation holds.
/// </summary>
/// <remarks>
/// Structure <c>index</c> of a <c>seed</c> depends on nothing else, so a set can be regenerated or extended piecewise. Each
/// structure's info holds its provenance: <c>generator</c> = "random", <c>seed</c>, <c>index</c>, <c>parameters</c>
/// (<see cref="RandomStructureOptions.Describe"/>), <c>space_group</c> and <c>space_group_number</c> of the group imposed
/// (P1 without symmetry), and <c>mode</c>.
/// </remarks>
public static class RandomStructureGenerator
{
    // Pushes overshoot the overlap slightly, and finish a little beyond the separation, so that the pushing converges and
    // the final distances are strictly above the minimum.
    private const double Overshoot = 1.1;
    private const double Margin = 1e-4;
    private const double ImageTolerance = 1e-6;
    private const int CellDraws = 200;

    /// <summary>Generates structures 0 … <paramref name="count"/> − 1 of a seed.</summary>
    /// <exception cref="ArgumentException">The options are invalid or the request is impossible (see <see cref="RandomStructureOptions.Validate"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">A structure could not satisfy the separations within <see cref="RandomStructureOptions.MaxAttempts"/> attempts.</exception>
    public static IReadOnlyList<Structure> Generate(RandomStructureOptions options, int seed, int count)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        options.Validate();
        var structures = new Structure[count];
        for (var index = 0; index < count; index++)
        {
            structures[index] = GenerateValidated(options, seed, index);
        }

        return structures;
    }

    /// <summary>Generates structure <paramref name="index"/> of a seed (the same as element <paramref name="index"/> of <see cref="Generate"/>).</summary>
    /// <exception cref="ArgumentException">The options are invalid or the request is impossible.</exception>
    /// <exception cref="InvalidOperationException">The separations could not be satisfied within <see cref="RandomStructureOptions.MaxAttempts"/> attempts.</exception>
    public static Structure GenerateOne(RandomStructureOptions options, int seed, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return GenerateValidated(options, seed, index);
    }

    private static Structure GenerateValidated(RandomStructureOptions options, int seed, int index)
    {
        var random = new Random(MixSeed(seed, index));
        var work = new Work(options);
        for (var attempt = 0; attempt < options.MaxAttempts; attempt++)
        {
            if (work.TryBuild(random, out var structure, out var group))
            {
                structure.Info["generator"] = "random";
                structure.Info["config_type"] = "random";
                structure.Info["seed"] = (long)seed;
                structure.Info["index"] = (long)index;
                structure.Info["parameters"] = options.Describe();
                structure.Info["mode"] = options.Mode.ToString().ToLowerInvariant();
                structure.Info["space_group"] = group.Symbol;
                structure.Info["space_group_number"] = (long)group.Number;
                return structure;
            }
        }

        throw new InvalidOperationException(FormattableString.Invariant(
            $"Random structure {index} of seed {seed}: no arrangement met the minimum separations (largest {options.LargestSeparation} Å at {options.VolumePerAtom} Å³/atom) in {options.MaxAttempts} attempts of {options.PushPasses} push passes; raise the volume per atom or lower the separations."));
    }

    /// <summary>
    /// Whether every pair of atoms (periodic images included) is at least its minimum separation apart; returns the
    /// offending pair's description otherwise.
    /// </summary>
    public static bool MeetsSeparations(Structure structure, RandomStructureOptions options, out string violation)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(options);
        var list = NeighbourList.Build(structure, options.LargestSeparation);
        for (var i = 0; i < structure.Count; i++)
        {
            var neighbours = list.NeighboursOf(i);
            var distances = list.DistancesOf(i);
            for (var k = 0; k < neighbours.Length; k++)
            {
                var required = options.Separation(structure.Symbol(i), structure.Symbol(neighbours[k]));
                if (distances[k] < required)
                {
                    violation = FormattableString.Invariant(
                        $"atoms {i} ({structure.Symbol(i)}) and {neighbours[k]} ({structure.Symbol(neighbours[k])}) are {distances[k]:F4} Å apart, below {required} Å");
                    return false;
                }
            }
        }

        violation = string.Empty;
        return true;
    }

    private static int MixSeed(int seed, int index)
    {
        // SplitMix64 finaliser: neighbouring (seed, index) pairs get unrelated streams.
        var z = ((ulong)(uint)seed << 32) ^ (uint)index;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    private sealed class Orbit
    {
        public required int FirstAtom { get; init; }

        /// <summary>For each operation of the group, which image (0-based within the orbit) it maps the representative to.</summary>
        public required int[] ImageOf { get; init; }

        /// <summary>For each image, an operation that produces it.</summary>
        public required int[] OperationOf { get; init; }

        public Vec3 Representative { get; set; }
    }

    /// <summary>The state of one structure's generation; reused across attempts.</summary>
    private sealed class Work
    {
        private readonly RandomStructureOptions options;
        private readonly int[] atomicNumbers;
        private readonly int[] weights;
        private readonly double[] separation;
        private readonly double cutoff;
        private readonly List<int> types = [];
        private readonly List<Vec3> positions = [];
        private readonly List<Orbit> orbits = [];

        public Work(RandomStructureOptions options)
        {
            this.options = options;
            var n = options.Composition.Count;
            atomicNumbers = new int[n];
            weights = new int[n];
            separation = new double[n * n];
            for (var i = 0; i < n; i++)
            {
                atomicNumbers[i] = Elements.AtomicNumber(options.Composition[i].Element);
                weights[i] = options.Composition[i].Weight;
                for (var j = 0; j < n; j++)
                {
                    separation[(i * n) + j] = options.Separation(options.Composition[i].Element, options.Composition[j].Element);
                }
            }

            cutoff = options.LargestSeparation;
        }

        public bool TryBuild(Random random, out Structure structure, out SymmetryGroup group)
        {
            structure = null!;
            var counts = DrawCounts(random);
            group = SymmetryGroup.BuiltIn[0];
            types.Clear();
            positions.Clear();
            orbits.Clear();
            List<(int Type, SymmetryOperation Site, int Multiplicity)>? plan = null;
            if (options.SymmetryOperations > 1)
            {
                var candidates = new List<SymmetryGroup>();
                foreach (var g in SymmetryGroup.BuiltIn)
                {
                    if (g.Order >= options.SymmetryOperations)
                    {
                        candidates.Add(g);
                    }
                }

                Shuffle(candidates, random);
                foreach (var g in candidates)
                {
                    plan = PlanOrbits(g, counts, random);
                    if (plan is not null)
                    {
                        group = g;
                        break;
                    }
                }

                if (plan is null)
                {
                    return false;
                }
            }

            var total = 0;
            foreach (var c in counts)
            {
                total += c;
            }

            var volume = total * options.VolumePerAtom * (1 + (options.VolumeSpread * ((2 * random.NextDouble()) - 1)));
            var pbc = options.Mode switch
            {
                RandomStructureMode.Bulk => Pbc.All,
                RandomStructureMode.Slab => new Pbc(true, true, false),
                _ => Pbc.None,
            };
            var cell = DrawCell(random, group.System, volume, pbc);
            if (cell is null)
            {
                return false;
            }

            if (plan is null)
            {
                for (var type = 0; type < counts.Length; type++)
                {
                    for (var k = 0; k < counts[type]; k++)
                    {
                        types.Add(type);
                        positions.Add(cell.ToCartesian(RandomFractional(random)));
                    }
                }
            }
            else
            {
                foreach (var (type, site, multiplicity) in plan)
                {
                    PlaceOrbit(group, cell, type, site, multiplicity, random);
                }
            }

            if (!Push(random, cell, pbc, group))
            {
                return false;
            }

            structure = Finish(cell, pbc);
            return MeetsSeparations(structure, options, out _);
        }

        private int[] DrawCounts(Random random)
        {
            var counts = new int[weights.Length];
            if (options.FreeComposition)
            {
                var total = random.Next(options.MinAtoms, options.MaxAtoms + 1);
                var sum = options.FormulaUnitSize;
                for (var atom = 0; atom < total; atom++)
                {
                    var pick = random.Next(sum);
                    var type = 0;
                    while (pick >= weights[type])
                    {
                        pick -= weights[type];
                        type++;
                    }

                    counts[type]++;
                }

                return counts;
            }

            var unit = options.FormulaUnitSize;
            var fewest = (options.MinAtoms + unit - 1) / unit;
            var most = options.MaxAtoms / unit;
            var units = random.Next(fewest, most + 1);
            for (var type = 0; type < counts.Length; type++)
            {
                counts[type] = units * weights[type];
            }

            return counts;
        }

        /// <summary>
        /// Splits each element's count into orbits: general positions while they fit, then special Wyckoff positions of the
        /// largest multiplicity that fits; <see langword="null"/> when the group cannot hold the counts.
        /// </summary>
        private static List<(int Type, SymmetryOperation Site, int Multiplicity)>? PlanOrbits(SymmetryGroup group, int[] counts, Random random)
        {
            var multiplicities = Multiplicities(group);
            var used = new bool[group.SpecialPositions.Length];
            var plan = new List<(int, SymmetryOperation, int)>();
            var general = SymmetryOperation.Parse("x,y,z");
            var choices = new List<int>();
            for (var type = 0; type < counts.Length; type++)
            {
                var remaining = counts[type];
                while (remaining > 0)
                {
                    if (remaining >= group.Order)
                    {
                        plan.Add((type, general, group.Order));
                        remaining -= group.Order;
                        continue;
                    }

                    var best = 0;
                    choices.Clear();
                    for (var s = 0; s < multiplicities.Length; s++)
                    {
                        var m = multiplicities[s];
                        if (m > remaining || used[s] || m < best)
                        {
                            continue;
                        }

                        if (m > best)
                        {
                            best = m;
                            choices.Clear();
                        }

                        choices.Add(s);
                    }

                    if (choices.Count == 0)
                    {
                        return null;
                    }

                    var chosen = choices[random.Next(choices.Count)];
                    used[chosen] = group.SpecialPositionIsFixed[chosen];
                    plan.Add((type, group.SpecialPositions[chosen], best));
                    remaining -= best;
                }
            }

            return plan;
        }

        private static readonly Dictionary<int, int[]> MultiplicityCache = [];

        private static int[] Multiplicities(SymmetryGroup group)
        {
            lock (MultiplicityCache)
            {
                if (!MultiplicityCache.TryGetValue(group.Number, out var multiplicities))
                {
                    // Generic values of the free coordinates give the Wyckoff position's multiplicity.
                    var generic = new Vec3(0.1234, 0.3561, 0.5789);
                    multiplicities = Array.ConvertAll(group.SpecialPositions, site => Images(group, site.Apply(generic), out _).Count);
                    MultiplicityCache[group.Number] = multiplicities;
                }

                return multiplicities;
            }
        }

        /// <summary>The distinct images of a fractional point (in [0, 1)) and, per operation, which image it gives.</summary>
        private static List<Vec3> Images(SymmetryGroup group, Vec3 point, out int[] imageOf)
        {
            var images = new List<Vec3>();
            imageOf = new int[group.Order];
            for (var o = 0; o < group.Order; o++)
            {
                var image = WrapUnit(group.Operations[o].Apply(point));
                var found = -1;
                for (var k = 0; k < images.Count && found < 0; k++)
                {
                    var d = image - images[k];
                    d = new Vec3(d.X - Math.Round(d.X), d.Y - Math.Round(d.Y), d.Z - Math.Round(d.Z));
                    if (d.MaxAbs < ImageTolerance)
                    {
                        found = k;
                    }
                }

                if (found < 0)
                {
                    found = images.Count;
                    images.Add(image);
                }

                imageOf[o] = found;
            }

            return images;
        }

        private void PlaceOrbit(SymmetryGroup group, Cell cell, int type, SymmetryOperation site, int multiplicity, Random random)
        {
            // A draw that lands (within the tolerance) on a position of higher symmetry would merge images: draw again.
            Vec3 representative;
            List<Vec3> images;
            int[] imageOf;
            do
            {
                representative = WrapUnit(site.Apply(RandomFractional(random)));
                images = Images(group, representative, out imageOf);
            }
            while (images.Count != multiplicity);

            var operationOf = new int[images.Count];
            for (var o = group.Order - 1; o >= 0; o--)
            {
                operationOf[imageOf[o]] = o;
            }

            orbits.Add(new Orbit { FirstAtom = positions.Count, ImageOf = imageOf, OperationOf = operationOf, Representative = representative });
            foreach (var image in images)
            {
                types.Add(type);
                positions.Add(cell.ToCartesian(image));
            }
        }

        /// <summary>
        /// Replaces each orbit's representative by the group average of the images mapped back, then regenerates the images:
        /// the result is exactly symmetric, and special positions stay on their symmetry elements.
        /// </summary>
        private void Symmetrise(SymmetryGroup group, Cell cell, Span<Vec3> cartesian)
        {
            foreach (var orbit in orbits)
            {
                var x0 = orbit.Representative;
                var sum = Vec3.Zero;
                for (var o = 0; o < group.Order; o++)
                {
                    var back = group.Operations[o].ApplyInverse(cell.ToFractional(cartesian[orbit.FirstAtom + orbit.ImageOf[o]]));
                    var d = back - x0;
                    sum += new Vec3(d.X - Math.Round(d.X), d.Y - Math.Round(d.Y), d.Z - Math.Round(d.Z));
                }

                x0 = WrapUnit(x0 + (sum / group.Order));
                orbit.Representative = x0;
                for (var k = 0; k < orbit.OperationOf.Length; k++)
                {
                    cartesian[orbit.FirstAtom + k] = cell.ToCartesian(WrapUnit(group.Operations[orbit.OperationOf[k]].Apply(x0)));
                }
            }
        }

        private bool Push(Random random, Cell cell, Pbc pbc, SymmetryGroup group)
        {
            var count = positions.Count;
            var current = positions.ToArray();
            var shifts = new Vec3[count];
            var n = weights.Length;
            for (var pass = 0; pass < options.PushPasses; pass++)
            {
                var list = NeighbourList.Build(cell, pbc, current, cutoff);
                var clean = true;
                Array.Clear(shifts);
                for (var i = 0; i < count; i++)
                {
                    var neighbours = list.NeighboursOf(i);
                    var distances = list.DistancesOf(i);
                    var vectors = list.VectorsOf(i);
                    for (var k = 0; k < neighbours.Length; k++)
                    {
                        var j = neighbours[k];
                        var required = separation[(types[i] * n) + types[j]];
                        var d = distances[k];
                        if (d >= required + Margin)
                        {
                            continue;
                        }

                        clean = false;
                        if (j == i)
                        {
                            // An atom too close to its own image: no move can fix the cell.
                            return false;
                        }

                        var direction = d > 1e-8 ? vectors[k] / d : RandomUnitVector(random);
                        shifts[i] -= direction * ((0.5 * Overshoot * (required - d)) + Margin);
                    }
                }

                if (clean)
                {
                    CopyBack(current);
                    return true;
                }

                for (var i = 0; i < count; i++)
                {
                    current[i] += shifts[i];
                }

                if (orbits.Count > 0)
                {
                    Symmetrise(group, cell, current);
                }
                else if (pbc.Any)
                {
                    for (var i = 0; i < count; i++)
                    {
                        current[i] = cell.Wrap(current[i], pbc);
                    }
                }
            }

            return false;
        }

        private void CopyBack(Vec3[] current)
        {
            positions.Clear();
            positions.AddRange(current);
        }

        private Structure Finish(Cell cell, Pbc pbc)
        {
            var numbers = new int[types.Count];
            for (var i = 0; i < numbers.Length; i++)
            {
                numbers[i] = atomicNumbers[types[i]];
            }

            var final = positions.ToArray();
            switch (options.Mode)
            {
                case RandomStructureMode.Bulk:
                    return new Structure(cell, pbc, numbers, final);
                case RandomStructureMode.Slab:
                {
                    // c is along z (the cell was built with α = β = 90°), so the thickness is the spread of z.
                    var low = double.PositiveInfinity;
                    var high = double.NegativeInfinity;
                    foreach (var p in final)
                    {
                        low = Math.Min(low, p.Z);
                        high = Math.Max(high, p.Z);
                    }

                    var slabCell = new Cell(cell.A, cell.B, new Vec3(0, 0, high - low + (2 * options.Vacuum)));
                    for (var i = 0; i < final.Length; i++)
                    {
                        var p = new Vec3(final[i].X, final[i].Y, final[i].Z - low + options.Vacuum);
                        final[i] = slabCell.Wrap(p, pbc);
                    }

                    return new Structure(slabCell, pbc, numbers, final);
                }

                default:
                {
                    var low = new Vec3(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
                    var high = -low;
                    foreach (var p in final)
                    {
                        low = new Vec3(Math.Min(low.X, p.X), Math.Min(low.Y, p.Y), Math.Min(low.Z, p.Z));
                        high = new Vec3(Math.Max(high.X, p.X), Math.Max(high.Y, p.Y), Math.Max(high.Z, p.Z));
                    }

                    var box = high - low + new Vec3(2 * options.Vacuum, 2 * options.Vacuum, 2 * options.Vacuum);
                    var origin = low - new Vec3(options.Vacuum, options.Vacuum, options.Vacuum);
                    for (var i = 0; i < final.Length; i++)
                    {
                        final[i] -= origin;
                    }

                    return new Structure(Cell.Orthorhombic(box.X, box.Y, box.Z), Pbc.None, numbers, final);
                }
            }
        }

        /// <summary>
        /// A random cell of the given volume within the angle and length-ratio bounds, shaped as the crystal system needs
        /// (slabs: c normal to the ab plane; clusters: an orthorhombic box), whose periodic lattice vectors are all at least
        /// the largest separation long; <see langword="null"/> if none was found.
        /// </summary>
        private Cell? DrawCell(Random random, CrystalSystem system, double volume, Pbc pbc)
        {
            double Angle() => options.MinAngleDegrees + (random.NextDouble() * (options.MaxAngleDegrees - options.MinAngleDegrees));
            double Length() => 1 + (random.NextDouble() * (options.MaxLengthRatio - 1));
            for (var draw = 0; draw < CellDraws; draw++)
            {
                double a = Length(), b = Length(), c = Length();
                double alpha = 90, beta = 90, gamma = 90;
                if (options.Mode == RandomStructureMode.Slab)
                {
                    gamma = Angle();
                }
                else if (options.Mode == RandomStructureMode.Bulk && system == CrystalSystem.Triclinic)
                {
                    (alpha, beta, gamma) = (Angle(), Angle(), Angle());
                }
                else if (options.Mode == RandomStructureMode.Bulk && system == CrystalSystem.Monoclinic)
                {
                    beta = Angle();
                }

                Cell shape;
                try
                {
                    shape = Cell.FromParameters(a, b, c, alpha, beta, gamma);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                // Reject nearly flat cells: they cannot hold separated atoms at a sane volume.
                if (shape.Volume < 0.5 * a * b * c)
                {
                    continue;
                }

                var cell = new Cell(Math.Cbrt(volume / shape.Volume) * shape.Matrix);
                if (pbc.Any && NeighbourList.Build(cell, pbc, [Vec3.Zero], cutoff).PairCount > 0)
                {
                    continue;
                }

                return cell;
            }

            return null;
        }
    }

    private static Vec3 RandomFractional(Random random) => new(random.NextDouble(), random.NextDouble(), random.NextDouble());

    private static Vec3 RandomUnitVector(Random random)
    {
        var z = (2 * random.NextDouble()) - 1;
        var phi = 2 * Math.PI * random.NextDouble();
        var r = Math.Sqrt(1 - (z * z));
        return new Vec3(r * Math.Cos(phi), r * Math.Sin(phi), z);
    }

    private static Vec3 WrapUnit(Vec3 f) => new(WrapUnit(f.X), WrapUnit(f.Y), WrapUnit(f.Z));

    private static double WrapUnit(double x)
    {
        var w = x - Math.Floor(x);
        return w >= 1.0 ? 0.0 : w;
    }

    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
