namespace ActiveLearning.Benchmarks;

/// <summary>Where a finished campaign's work directory keeps its models.</summary>
internal static class CampaignModels
{
    /// <summary>The main file of the last iteration's model, of either student kind (<c>model.mtp</c> or <c>model.snapcoeff</c>).</summary>
    public static string Last(string workdir) =>
        Directory.EnumerateFiles(Path.Combine(workdir, "iterations"), "model.*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) is "model.mtp" or "model.snapcoeff").Order(StringComparer.Ordinal).Last();
}
