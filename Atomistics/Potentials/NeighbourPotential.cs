using ActiveLearning.Atomistics.Neighbours;

namespace ActiveLearning.Atomistics.Potentials;

/// <summary>
/// Base of potentials computed from a full neighbour list within <see cref="Cutoff"/>: runs the input checks, keeps the
/// neighbour list in the <see cref="Evaluation"/> up to date, and checks the outputs.
/// </summary>
public abstract class NeighbourPotential : IPotential
{
    /// <summary>Creates the base for the given elements.</summary>
    protected NeighbourPotential(IReadOnlyList<int> species)
    {
        SpeciesIndex = new SpeciesIndex(species);
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract double Cutoff { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Species => SpeciesIndex.Species;

    /// <summary>The potential's element index of each atomic number.</summary>
    protected SpeciesIndex SpeciesIndex { get; }

    /// <inheritdoc/>
    public void Compute(Structure structure, Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(evaluation);
        PotentialGuards.CheckStructure(structure, Name, SpeciesIndex);
        var neighbours = evaluation.Neighbours;
        if (neighbours is null || neighbours.Cutoff != Cutoff)
        {
            neighbours = NeighbourList.Build(structure, Cutoff);
            evaluation.Neighbours = neighbours;
        }
        else
        {
            neighbours.Rebuild(structure);
        }

        PotentialGuards.CheckSeparations(neighbours);
        evaluation.Reset(structure.Count);
        ComputeCore(structure, neighbours, evaluation);
        evaluation.CheckFinite(Name);
    }

    /// <summary>
    /// Runs the input checks and builds a fresh neighbour list within <see cref="Cutoff"/>, for one-off passes that do not
    /// go through an <see cref="Evaluation"/> (e.g. <see cref="ILinearPotential.ComputeRows"/>).
    /// </summary>
    /// <exception cref="PotentialException">As <see cref="Compute"/>.</exception>
    protected NeighbourList CheckedNeighbours(Structure structure) => CheckedNeighbours(structure, null);

    /// <summary>As <see cref="CheckedNeighbours(Structure)"/>, rebuilding <paramref name="reuse"/> in place when it has this potential's cutoff.</summary>
    private protected NeighbourList CheckedNeighbours(Structure structure, NeighbourList? reuse)
    {
        ArgumentNullException.ThrowIfNull(structure);
        PotentialGuards.CheckStructure(structure, Name, SpeciesIndex);
        NeighbourList neighbours;
        if (reuse is not null && reuse.Cutoff == Cutoff)
        {
            reuse.Rebuild(structure);
            neighbours = reuse;
        }
        else
        {
            neighbours = NeighbourList.Build(structure, Cutoff);
        }

        PotentialGuards.CheckSeparations(neighbours);
        return neighbours;
    }

    /// <summary>
    /// Accumulates energies, forces and virial into <paramref name="evaluation"/> (already reset), normally through
    /// <see cref="Evaluation.Accumulate"/>.
    /// </summary>
    protected abstract void ComputeCore(Structure structure, NeighbourList neighbours, Evaluation evaluation);
}
