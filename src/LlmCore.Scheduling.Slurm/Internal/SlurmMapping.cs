using System.Globalization;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>Maps v0.0.38 bodies to the public records: states, gres strings, exit codes and times.</summary>
internal static class SlurmMapping
{
    public static SlurmJobState MapState(string? jobState, string? reason, long? priority)
    {
        var state = (jobState ?? string.Empty).ToUpperInvariant();
        return state switch
        {
            "PENDING" when IsHeldReason(reason) || priority == 0 => SlurmJobState.Held,
            "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" => SlurmJobState.Pending,
            "CONFIGURING" or "RUNNING" or "COMPLETING" or "SIGNALING" or "STAGE_OUT" or "SUSPENDED" or "RESIZING" => SlurmJobState.Running,
            "COMPLETED" => SlurmJobState.Completed,
            "CANCELLED" => SlurmJobState.Cancelled,
            "PREEMPTED" => SlurmJobState.Preempted,
            "FAILED" or "TIMEOUT" or "NODE_FAIL" or "OUT_OF_MEMORY" or "BOOT_FAIL" or "DEADLINE" => SlurmJobState.Failed,
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

        var gpus = CountGpus(dto.TresPerNode);
        if (gpus == 0)
        {
            gpus = CountGpus(dto.TresPerJob);
        }

        return new SlurmJob(
            dto.JobId,
            dto.Name ?? string.Empty,
            dto.Comment ?? string.Empty,
            MapState(dto.JobState, dto.StateReason, dto.Priority),
            dto.JobState ?? string.Empty,
            dto.StateReason ?? string.Empty,
            dto.Partition ?? string.Empty,
            dto.Nodes ?? string.Empty,
            gpus,
            dto.GresDetail is { } d ? d.ToArray() : [],
            dto.RestartCount ?? 0,
            exit,
            signal,
            Time(dto.SubmitTime),
            Time(dto.StartTime),
            Time(dto.EndTime));
    }

    private static DateTimeOffset? Time(long? epoch) =>
        epoch is long s && s > 0 && s < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    public static SlurmNode ToNode(NodeDto dto)
    {
        var (gpus, type) = ParseGpuGres(dto.Gres);
        var (used, _) = ParseGpuGres(dto.GresUsed);
        return new SlurmNode(
            dto.Name ?? string.Empty,
            dto.State ?? string.Empty,
            dto.StateFlags is { } f ? f.ToArray() : [],
            gpus,
            used,
            type,
            dto.Cpus ?? 0,
            dto.AllocCpus ?? 0,
            dto.RealMemory ?? 0,
            dto.Partitions is { } p ? p.ToArray() : []);
    }

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
