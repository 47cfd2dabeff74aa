using System.Globalization;
using LlmCore.Scheduling.Slurm.Internal.Api;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>Maps the bodies of every API version to the public records: states, gres strings, exit codes and times.</summary>
internal static class SlurmMapping
{
    // Slurm's job_state_string() (src/common/slurm_protocol_defs.c): a state flag, in this order, names the state
    // before the base state does. v0.0.38 sends that one name; v0.0.40+ sends the base state and the flags as a list.
    private static readonly string[] s_jobStateFlagPrecedence =
    [
        "COMPLETING", "STAGE_OUT", "CONFIGURING", "EXPEDITING", "RESIZING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD",
        "SPECIAL_EXIT", "STOPPED", "REVOKED", "RESV_DEL_HOLD", "SIGNALING",
    ];

    private static readonly string[] s_nodeBaseStates = ["INVALID", "UNKNOWN", "DOWN", "IDLE", "ALLOCATED", "ERROR", "MIXED", "FUTURE", "EXTERNAL"];

    public static SlurmJobState MapState(string? jobState, string? reason, long? priority)
    {
        var state = (jobState ?? string.Empty).ToUpperInvariant();
        return state switch
        {
            "PENDING" when IsHeldReason(reason) || priority == 0 => SlurmJobState.Held,
            "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "EXPEDITING" or "SPECIAL_EXIT" or "RESV_DEL_HOLD" => SlurmJobState.Pending,
            "CONFIGURING" or "RUNNING" or "COMPLETING" or "SIGNALING" or "STAGE_OUT" or "SUSPENDED" or "RESIZING" or "STOPPED" => SlurmJobState.Running,
            "COMPLETED" => SlurmJobState.Completed,
            "CANCELLED" => SlurmJobState.Cancelled,
            "PREEMPTED" => SlurmJobState.Preempted,
            "FAILED" or "TIMEOUT" or "NODE_FAIL" or "OUT_OF_MEMORY" or "BOOT_FAIL" or "DEADLINE" or "REVOKED" => SlurmJobState.Failed,
            _ => SlurmJobState.Unknown,
        };
    }

    private static bool IsHeldReason(string? reason) =>
        reason is not null && (reason.StartsWith("JobHeld", StringComparison.OrdinalIgnoreCase)
            || reason.Equals("job requeued in held state", StringComparison.OrdinalIgnoreCase));

    public static SlurmJob ToJob(JobDto dto)
    {
        int? exit = null;
        int? signal = null;
        if (dto.ExitCode is int raw)
        {
            // A raw wait status: the low 7 bits are the signal, the next byte the exit code (768 = exit 3).
            var sig = raw & 0x7F;
            if (sig != 0)
            {
                signal = sig;
            }
            else
            {
                exit = (raw >> 8) & 0xFF;
            }
        }

        var state = dto.JobState ?? string.Empty;
        return Job(dto, state, state.Length > 0 ? [state] : [], dto.Priority, dto.NodeCount ?? 0, exit, signal, dto.SubmitTime, dto.StartTime, dto.EndTime);
    }

    /// <summary>Maps a v0.0.40+ job: the flag list is reduced to the name Slurm's own tools print.</summary>
    public static SlurmJob ToJob(DpJob dto)
    {
        var flags = dto.JobState ?? [];
        var state = ReduceJobState(flags);
        int? exit = null;
        int? signal = null;
        if (dto.ExitCode is { } code)
        {
            if (code.Signal?.Id.Value is long sig && sig > 0)
            {
                signal = (int)sig;
            }
            else if (code.ReturnCode.Value is long rc)
            {
                exit = (int)rc;
            }
        }

        long? priority = dto.Hold == true ? 0 : dto.Priority.Value;
        return Job(dto, state, [.. flags], priority, (int)(dto.NodeCount.Value ?? 0), exit, signal, dto.SubmitTime.Value, dto.StartTime.Value, dto.EndTime.Value);
    }

    /// <summary>A job from the fields every version shares and the ones each version reads its own way.</summary>
    private static SlurmJob Job(JobFields dto, string state, IReadOnlyList<string> flags, long? priority, int nodeCount, int? exit, int? signal, long? submit, long? start, long? end)
    {
        var (gpus, total) = Gpus(dto.TresPerNode, dto.TresPerJob, nodeCount);
        return new SlurmJob(
            dto.JobId,
            dto.Name ?? string.Empty,
            dto.Comment ?? string.Empty,
            MapState(state, dto.StateReason, priority),
            state,
            dto.StateReason ?? string.Empty,
            dto.Partition ?? string.Empty,
            dto.Nodes ?? string.Empty,
            gpus,
            dto.GresDetail is { } d ? d.ToArray() : [],
            dto.RestartCount ?? 0,
            exit,
            signal,
            Time(submit),
            Time(start),
            Time(end))
        {
            StateFlags = flags,
            NodeCount = nodeCount,
            TotalGpus = total,
        };
    }

    /// <summary>
    /// The one state name of a v0.0.40+ <c>job_state</c> list, as Slurm's <c>job_state_string()</c> prints it: the
    /// first flag in Slurm's order (<c>COMPLETING</c>, <c>STAGE_OUT</c>, <c>CONFIGURING</c>, ...), else the base state.
    /// </summary>
    public static string ReduceJobState(IReadOnlyList<string> states)
    {
        foreach (var flag in s_jobStateFlagPrecedence)
        {
            foreach (var s in states)
            {
                if (string.Equals(s, flag, StringComparison.OrdinalIgnoreCase))
                {
                    return flag;
                }
            }
        }

        foreach (var s in states)
        {
            if (!string.Equals(s, "LAUNCH_FAILED", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(s, "RECONFIG_FAIL", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(s, "POWER_UP_NODE", StringComparison.OrdinalIgnoreCase))
            {
                return s.ToUpperInvariant();
            }
        }

        return states.Count > 0 ? states[0].ToUpperInvariant() : string.Empty;
    }

    /// <summary>GPUs per node (else per job) and in total (per node times the node count).</summary>
    private static (int PerNodeOrJob, int Total) Gpus(string? tresPerNode, string? tresPerJob, int nodeCount)
    {
        var perNode = CountGpus(tresPerNode);
        if (perNode > 0)
        {
            return (perNode, perNode * Math.Max(1, nodeCount));
        }

        var perJob = CountGpus(tresPerJob);
        return (perJob, perJob);
    }

    public static SlurmDiagnostics ToDiagnostics(DiagStatistics? statistics)
    {
        var s = statistics ?? new DiagStatistics();
        return new SlurmDiagnostics(
            s.JobsSubmitted ?? 0, s.JobsStarted ?? 0, s.JobsCompleted ?? 0, s.JobsCanceled ?? 0, s.JobsFailed ?? 0,
            s.JobsPending ?? 0, s.JobsRunning ?? 0, s.ScheduleCycleLast ?? 0, s.ScheduleCycleMean ?? 0, s.ServerThreadCount ?? 0);
    }

    private static DateTimeOffset? Time(long? epoch) =>
        epoch is long s && s > 0 && s < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    public static SlurmNode ToNode(NodeDto dto) => Node(dto, dto.State ?? string.Empty, dto.StateFlags is { } f ? f.ToArray() : []);

    /// <summary>Maps a v0.0.40+ node: the state list splits into the base state (lower case, as v0.0.38 sends it) and the flags.</summary>
    public static SlurmNode ToNode(DpNode dto)
    {
        var states = dto.State ?? [];
        var baseState = states.FirstOrDefault(static s => s_nodeBaseStates.Contains(s, StringComparer.OrdinalIgnoreCase));
        return Node(dto, (baseState ?? string.Empty).ToLowerInvariant(), [.. states.Where(s => !ReferenceEquals(s, baseState))]);
    }

    private static SlurmNode Node(NodeFields dto, string state, IReadOnlyList<string> flags)
    {
        var (gpus, type) = ParseGpuGres(dto.Gres);
        var (used, _) = ParseGpuGres(dto.GresUsed);
        return new SlurmNode(
            dto.Name ?? string.Empty,
            state,
            flags,
            gpus,
            used,
            type,
            dto.Cpus ?? 0,
            dto.AllocCpus ?? 0,
            dto.RealMemory ?? 0,
            dto.Partitions is { } p ? p.ToArray() : []);
    }

    /// <summary>
    /// Maps a v0.0.40+ partition. Its flags (among them <c>Default</c>) are not in the API up to v0.0.44
    /// (data_parser's partition parser skips them), so <see cref="SlurmPartition.IsDefault"/> is false.
    /// </summary>
    public static SlurmPartition ToPartition(DpPartition dto) => new(
        dto.Name ?? string.Empty,
        dto.Nodes?.Configured ?? string.Empty,
        dto.Partition?.State is { Count: > 0 } state ? string.Join(',', state) : string.Empty,
        dto.Priority?.Tier ?? 0,
        false,
        dto.Nodes?.Total ?? 0,
        dto.Cpus?.Total ?? 0);

    public static SlurmPartition ToPartition(PartitionDto dto) => new(
        dto.Name ?? string.Empty,
        dto.Nodes ?? string.Empty,
        dto.State ?? string.Empty,
        dto.PriorityTier ?? 0,
        dto.Flags?.Exists(static f => f.Equals("default", StringComparison.OrdinalIgnoreCase)) ?? false,
        dto.TotalNodes ?? 0,
        dto.TotalCpus ?? 0);

    /// <summary>
    /// Sums the GPUs in a gres string such as <c>gpu:8</c>, <c>gpu:a100:4(S:0-1),gpu:v100:2</c> or
    /// <c>gpu:2(IDX:0-1)</c>; returns the first GPU type seen, or null when untyped. <c>(null)</c> and <c>N/A</c> count 0.
    /// </summary>
    public static (int Count, string? Type) ParseGpuGres(string? gres)
    {
        if (string.IsNullOrWhiteSpace(gres))
        {
            return (0, null);
        }

        var total = 0;
        string? type = null;
        foreach (var rawEntry in SplitTopLevel(gres))
        {
            var entry = rawEntry.Trim();
            var paren = entry.IndexOf('(', StringComparison.Ordinal);
            if (paren >= 0)
            {
                entry = entry[..paren];
            }

            var parts = entry.Split(':');
            if (parts.Length == 0 || !parts[0].Equals("gpu", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            switch (parts.Length)
            {
                case 1:
                    total += 1;
                    break;
                case 2:
                    if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    {
                        total += n;
                    }
                    else
                    {
                        type ??= parts[1];
                        total += 1;
                    }

                    break;
                default:
                    if (int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var m))
                    {
                        total += m;
                        type ??= parts[1];
                    }

                    break;
            }
        }

        return (total, type);
    }

    /// <summary>GPUs in a TRES string such as <c>gres:gpu:2</c> or <c>gres/gpu:a100:4</c> (several entries are summed).</summary>
    public static int CountGpus(string? tres)
    {
        if (string.IsNullOrWhiteSpace(tres))
        {
            return 0;
        }

        var total = 0;
        foreach (var rawEntry in tres.Split(','))
        {
            var entry = rawEntry.Trim();
            if (entry.StartsWith("gres:", StringComparison.OrdinalIgnoreCase) || entry.StartsWith("gres/", StringComparison.OrdinalIgnoreCase))
            {
                entry = entry[5..];
            }

            total += ParseGpuGres(entry).Count;
        }

        return total;
    }

    private static IEnumerable<string> SplitTopLevel(string value)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return value[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return value[start..];
    }
}
