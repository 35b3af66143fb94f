using ActiveLearning.Drivers.Labelling;

namespace ActiveLearning.Activities.Ports;

/// <summary>The campaign's durable state as one step run sees it.</summary>
/// <remarks>
/// Every method that writes commits before it returns, so what it recorded survives a crash right after. A step's outputs
/// and its completion are committed together by <see cref="Complete"/>; only checkpoints (<see cref="RecordLabel"/>, <see cref="RecordWalker"/>) are
/// committed earlier, so that a resumed step skips the work they record. Implementations are used by one step at a time.
/// </remarks>
public interface IActivityStore
{
    /// <summary>The iteration the step belongs to (0 for the initial steps).</summary>
    int Iteration { get; }

    /// <summary>The structures that have no label of this method and settings (not even a failed one), in order of addition.</summary>
    IReadOnlyList<StoredStructure> StructuresWithoutLabel(string method, string settingsHash);

    /// <summary>
    /// Every structure with a successful label, in order of addition, with <see cref="Atomistics.Structure.Reference"/> set,
    /// and the hash of that data set (geometries and labels, lowercase hex SHA-256).
    /// </summary>
    (IReadOnlyList<StoredStructure> Structures, string DatasetHash) LabelledStructures();

    /// <summary>The content hash (<see cref="Atomistics.StructureHash"/>) of every structure in the store, labelled or not.</summary>
    IReadOnlySet<string> StructureHashes();

    /// <summary>Records that the labeller is about to be asked for these structures (checkpoint).</summary>
    void RecordLabelRequests(IReadOnlyList<long> structureIds, string method);

    /// <summary>Records one labelling outcome, success or failure, and commits it (checkpoint).</summary>
    /// <exception cref="InvalidOperationException">The structure already has a label of this method and settings.</exception>
    void RecordLabel(long structureId, LabelOutcome outcome);

    /// <summary>
    /// The walkers of this step run already finished with <paramref name="settingsHash"/>, by walker; checkpoints recorded
    /// with other settings (the campaign was edited) are discarded first.
    /// </summary>
    IReadOnlyList<WalkerCheckpoint> KeepWalkerCheckpoints(string settingsHash);

    /// <summary>Records one finished explore walker and commits it (checkpoint); replaces an earlier record of the same walker.</summary>
    void RecordWalker(WalkerCheckpoint checkpoint);

    /// <summary>Commits the step's outputs and marks it finished, in one transaction.</summary>
    void Complete(StepOutcome outcome);
}
