using System.Security.Cryptography;
using ActiveLearning.Activities.Ports;
using ActiveLearning.Atomistics.Potentials;
using ActiveLearning.Atomistics.Potentials.Mtp;
using ActiveLearning.Atomistics.Potentials.Snap;

namespace ActiveLearning.Activities.Fitting;

/// <summary>
/// A kind of student model (the potential a campaign learns) as the campaign's files see it: what its files are called,
/// how it is written into an iteration's folder, read back and hashed. Everything else (fitting, exploration, selection,
/// validation) works on any <see cref="ILinearPotential"/>, so this is the one place that knows the kinds apart.
/// </summary>
/// <remarks>
/// A model is one main file (the one the store's model row points at) plus, for some kinds, companion files beside it with
/// the same stem: a SNAP model is <c>model.snapcoeff</c> with <c>model.snapparam</c>. Its hash (lowercase hex SHA-256)
/// covers the bytes of all its files in order, main file first, so two models with the same hash are the same model even
/// when only a hyper-parameter differs.
/// </remarks>
public abstract class StudentModel
{
    private protected StudentModel()
    {
    }

    /// <summary>Moment tensor potentials: one MLIP-2 <c>.mtp</c> file.</summary>
    public static StudentModel Mtp { get; } = new MtpStudent();

    /// <summary>SNAP: a LAMMPS <c>.snapcoeff</c> file and the <c>.snapparam</c> beside it.</summary>
    public static StudentModel Snap { get; } = new SnapStudent();

    /// <summary>The campaign file's name of the kind: <c>mtp</c> or <c>snap</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The main file of an iteration's model: <c>model.mtp</c> or <c>model.snapcoeff</c>.</summary>
    public string ModelFileName => "model" + Extension;

    /// <summary>The main file of a fit the guard rejected: <c>model.rejected.mtp</c> or <c>model.rejected.snapcoeff</c>.</summary>
    public string RejectedFileName => "model.rejected" + Extension;

    /// <summary>The main file's extension, with its dot.</summary>
    protected abstract string Extension { get; }

    /// <summary>The kind of a potential, by its type.</summary>
    /// <exception cref="ArgumentException">The potential is of no student kind.</exception>
    public static StudentModel Of(ILinearPotential potential) => potential switch
    {
        MomentTensorPotential => Mtp,
        SnapPotential => Snap,
        null => throw new ArgumentNullException(nameof(potential)),
        _ => throw new ArgumentException($"{potential.Name} is not a student model kind (mtp or snap).", nameof(potential)),
    };

    /// <summary>The kind of a model file, by its extension (<c>.mtp</c>, <c>.snapcoeff</c>).</summary>
    /// <exception cref="ArgumentException">The extension is neither.</exception>
    public static StudentModel OfFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var kind in new[] { Mtp, Snap })
        {
            if (path.EndsWith(kind.Extension, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        throw new ArgumentException($"{path}: not a student model file (expected .mtp or .snapcoeff).", nameof(path));
    }

    /// <summary>The files the model with main file <paramref name="path"/> consists of, main file first (paths or bare names alike).</summary>
    public abstract IReadOnlyList<string> FilesOf(string path);

    /// <summary>Reads the model whose main file is <paramref name="path"/>.</summary>
    /// <param name="path">The main file.</param>
    /// <param name="species">Atomic numbers in the model's type order (the campaign's species).</param>
    /// <exception cref="Atomistics.Formats.StructureFormatException">A file is malformed.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public abstract ILinearPotential Load(string path, IReadOnlyList<int> species);

    /// <summary>Writes <paramref name="model"/> into the iteration's folder as <paramref name="fileName"/> and its companions, each atomically.</summary>
    /// <returns>The main file's absolute path.</returns>
    /// <exception cref="ArgumentException">The model is not of this kind.</exception>
    public string Write(IArtifactStore artifacts, string fileName, ILinearPotential model)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(model);
        if (Of(model) != this)
        {
            throw new ArgumentException($"{model.Name} is not a {Kind} model.", nameof(model));
        }

        var names = FilesOf(fileName);
        var writers = Writers(model);
        // Companions first: the main file is what the model row names, so it appears last.
        for (var i = names.Count - 1; i >= 0; i--)
        {
            artifacts.WriteText(names[i], writers[i]);
        }

        return artifacts.PathOf(fileName);
    }

    /// <summary>Copies the model whose main file is <paramref name="sourcePath"/> into the iteration's folder as <paramref name="fileName"/>, each file atomically.</summary>
    /// <returns>The main file's absolute path.</returns>
    public string Copy(IArtifactStore artifacts, string sourcePath, string fileName)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        var sources = FilesOf(sourcePath);
        var targets = FilesOf(fileName);
        for (var i = targets.Count - 1; i >= 0; i--)
        {
            var text = File.ReadAllText(sources[i]);
            artifacts.WriteText(targets[i], writer => writer.Write(text));
        }

        return artifacts.PathOf(fileName);
    }

    /// <summary>Lowercase hex SHA-256 of the bytes of all the model's files, main file first.</summary>
    public string Hash(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in FilesOf(path))
        {
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <inheritdoc/>
    public override string ToString() => Kind;

    /// <summary>One writer per file of <see cref="FilesOf"/>, in the same order.</summary>
    private protected abstract IReadOnlyList<Action<TextWriter>> Writers(ILinearPotential model);

    private sealed class MtpStudent : StudentModel
    {
        public override string Kind => "mtp";

        protected override string Extension => ".mtp";

        public override IReadOnlyList<string> FilesOf(string path) => [path];

        public override ILinearPotential Load(string path, IReadOnlyList<int> species) =>
            new MomentTensorPotential(MtpFile.Read(path), [.. species]);

        private protected override IReadOnlyList<Action<TextWriter>> Writers(ILinearPotential model) =>
            [writer => MtpFile.Write(((MomentTensorPotential)model).ToModel(), writer)];
    }

    private sealed class SnapStudent : StudentModel
    {
        public override string Kind => "snap";

        protected override string Extension => ".snapcoeff";

        public override IReadOnlyList<string> FilesOf(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            return [path, Path.ChangeExtension(path, ".snapparam")];
        }

        public override ILinearPotential Load(string path, IReadOnlyList<int> species) => SnapPotential.FromFile(path, species);

        private protected override IReadOnlyList<Action<TextWriter>> Writers(ILinearPotential model)
        {
            var snap = ((SnapPotential)model).Model;
            return [writer => SnapFile.WriteCoefficients(writer, snap), writer => SnapFile.WriteParameters(writer, snap.Parameters)];
        }
    }
}
