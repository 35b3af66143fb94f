using System.Globalization;

namespace ActiveLearning.Schedulers.Slurm;

/// <summary>
/// A SLURM job state as printed by <c>squeue %T</c>, <c>sacct State</c> and <c>scontrol show job JobState</c>
/// (SLURM 22.05 names). <see cref="Unknown"/> stands for a text this code does not recognise.
/// </summary>
public enum SlurmJobState
{
    /// <summary>A state text this code does not recognise; treat the job as still existing.</summary>
    Unknown = 0,
    /// <summary>PENDING (PD): queued, waiting for resources, priority, a begin time or a hold.</summary>
    Pending,
    /// <summary>CONFIGURING (CF): allocated, nodes being prepared.</summary>
    Configuring,
    /// <summary>RUNNING (R).</summary>
    Running,
    /// <summary>COMPLETING (CG): the batch script ended; processes are being cleaned up.</summary>
    Completing,
    /// <summary>SUSPENDED (S).</summary>
    Suspended,
    /// <summary>STOPPED (ST): the job was sent SIGSTOP.</summary>
    Stopped,
    /// <summary>REQUEUED (RQ): being put back into the queue.</summary>
    Requeued,
    /// <summary>REQUEUE_HOLD (RH): requeued and held.</summary>
    RequeueHold,
    /// <summary>REQUEUE_FED (RF): requeued by a federation.</summary>
    RequeueFederation,
    /// <summary>RESIZING (RS).</summary>
    Resizing,
    /// <summary>RESV_DEL_HOLD (RD): held because its reservation was deleted.</summary>
    ReservationDeletedHold,
    /// <summary>SIGNALING (SI).</summary>
    Signaling,
    /// <summary>STAGE_OUT (SO): staging out data after it ran.</summary>
    StageOut,
    /// <summary>SPECIAL_EXIT (SE): requeued in a special state by an epilogue.</summary>
    SpecialExit,
    /// <summary>COMPLETED (CD): the batch script exited with code 0.</summary>
    Completed,
    /// <summary>FAILED (F): non-zero exit code or another failure.</summary>
    Failed,
    /// <summary>TIMEOUT (TO): the wall-time limit was reached.</summary>
    Timeout,
    /// <summary>CANCELLED (CA), also printed as "CANCELLED by UID".</summary>
    Cancelled,
    /// <summary>NODE_FAIL (NF): a node of the allocation failed.</summary>
    NodeFail,
    /// <summary>OUT_OF_MEMORY (OOM).</summary>
    OutOfMemory,
    /// <summary>PREEMPTED (PR).</summary>
    Preempted,
    /// <summary>BOOT_FAIL (BF): a node failed to boot.</summary>
    BootFail,
    /// <summary>DEADLINE (DL): the job's deadline passed.</summary>
    Deadline,
    /// <summary>REVOKED (RV): revoked in a federation because a sibling job started.</summary>
    Revoked,
}

/// <summary>Parsing and classification of <see cref="SlurmJobState"/> texts.</summary>
public static class SlurmJobStates
{
    private static readonly Dictionary<string, SlurmJobState> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PENDING"] = SlurmJobState.Pending, ["PD"] = SlurmJobState.Pending,
        ["CONFIGURING"] = SlurmJobState.Configuring, ["CF"] = SlurmJobState.Configuring,
        ["RUNNING"] = SlurmJobState.Running, ["R"] = SlurmJobState.Running,
        ["COMPLETING"] = SlurmJobState.Completing, ["CG"] = SlurmJobState.Completing,
        ["SUSPENDED"] = SlurmJobState.Suspended, ["S"] = SlurmJobState.Suspended,
        ["STOPPED"] = SlurmJobState.Stopped, ["ST"] = SlurmJobState.Stopped,
        ["REQUEUED"] = SlurmJobState.Requeued, ["RQ"] = SlurmJobState.Requeued,
        ["REQUEUE_HOLD"] = SlurmJobState.RequeueHold, ["RH"] = SlurmJobState.RequeueHold,
        ["REQUEUE_FED"] = SlurmJobState.RequeueFederation, ["RF"] = SlurmJobState.RequeueFederation,
        ["RESIZING"] = SlurmJobState.Resizing, ["RS"] = SlurmJobState.Resizing,
        ["RESV_DEL_HOLD"] = SlurmJobState.ReservationDeletedHold, ["RD"] = SlurmJobState.ReservationDeletedHold,
        ["SIGNALING"] = SlurmJobState.Signaling, ["SI"] = SlurmJobState.Signaling,
        ["STAGE_OUT"] = SlurmJobState.StageOut, ["SO"] = SlurmJobState.StageOut,
        ["SPECIAL_EXIT"] = SlurmJobState.SpecialExit, ["SE"] = SlurmJobState.SpecialExit,
        ["COMPLETED"] = SlurmJobState.Completed, ["CD"] = SlurmJobState.Completed,
        ["FAILED"] = SlurmJobState.Failed, ["F"] = SlurmJobState.Failed,
        ["TIMEOUT"] = SlurmJobState.Timeout, ["TO"] = SlurmJobState.Timeout,
        ["CANCELLED"] = SlurmJobState.Cancelled, ["CA"] = SlurmJobState.Cancelled,
        ["NODE_FAIL"] = SlurmJobState.NodeFail, ["NF"] = SlurmJobState.NodeFail,
        ["OUT_OF_MEMORY"] = SlurmJobState.OutOfMemory, ["OOM"] = SlurmJobState.OutOfMemory,
        ["PREEMPTED"] = SlurmJobState.Preempted, ["PR"] = SlurmJobState.Preempted,
        ["BOOT_FAIL"] = SlurmJobState.BootFail, ["BF"] = SlurmJobState.BootFail,
        ["DEADLINE"] = SlurmJobState.Deadline, ["DL"] = SlurmJobState.Deadline,
        ["REVOKED"] = SlurmJobState.Revoked, ["RV"] = SlurmJobState.Revoked,
    };

    /// <summary>
    /// Parses a state text such as <c>RUNNING</c>, <c>CD</c>, <c>CANCELLED by 0</c> or <c>COMPLETING+</c>
    /// (flag suffixes and the "by UID" tail are ignored). Unrecognised text gives <see cref="SlurmJobState.Unknown"/>;
    /// this never throws.
    /// </summary>
    public static SlurmJobState Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return SlurmJobState.Unknown;
        var trimmed = text.AsSpan().Trim();
        var space = trimmed.IndexOf(' ');
        if (space >= 0) trimmed = trimmed[..space];
        trimmed = trimmed.TrimEnd('+');
        return ByName.TryGetValue(trimmed.ToString(), out var state) ? state : SlurmJobState.Unknown;
    }

    /// <summary>True for states after which the job will not run again by itself (completed, failed, timeout, ...).</summary>
    public static bool IsFinal(this SlurmJobState state) => state is SlurmJobState.Completed or SlurmJobState.Failed
        or SlurmJobState.Timeout or SlurmJobState.Cancelled or SlurmJobState.NodeFail or SlurmJobState.OutOfMemory
        or SlurmJobState.Preempted or SlurmJobState.BootFail or SlurmJobState.Deadline or SlurmJobState.Revoked;

    /// <summary>True only for <see cref="SlurmJobState.Completed"/>: the batch script exited with 0.</summary>
    public static bool IsSuccess(this SlurmJobState state) => state == SlurmJobState.Completed;

    /// <summary>The SLURM spelling of a state (e.g. <c>OUT_OF_MEMORY</c>); "UNKNOWN" for <see cref="SlurmJobState.Unknown"/>.</summary>
    public static string ToSlurmName(this SlurmJobState state)
    {
        foreach (var (name, value) in ByName)
        {
            if (value == state && name.Length > 3) return name.ToUpper(CultureInfo.InvariantCulture);
        }
        return "UNKNOWN";
    }
}
