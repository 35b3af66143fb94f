using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ActiveLearning.Orchestrator.Engine;

/// <summary>The seed of each step run, derived from the campaign seed, so a step draws the same numbers however often it is rerun.</summary>
internal static class StepSeeds
{
    public static int For(long campaignSeed, int iteration, int stepIndex)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"al-step-seed|{campaignSeed}|{iteration}|{stepIndex}")));
        return (int)(BinaryPrimitives.ReadUInt32LittleEndian(bytes) & int.MaxValue);
    }
}
