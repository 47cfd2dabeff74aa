using System.Text.Json.Serialization;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

// The parts of slurmrestd's bodies whose JSON is the same in every supported version (v0.0.38 and the data_parser
// versions v0.0.40-v0.0.44): the error and warning objects, the scheduler statistics, the hold update, and the fields
// of a job, a node, a job description and a ping that did not change shape. Each version's DTOs derive from these and
// add the fields that did.

internal sealed class SlurmError
{
    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("error_code")]
    public int? ErrorCode { get; set; }

    [JsonPropertyName("error_number")]
    public int? ErrorNumber { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    public int Number => ErrorNumber ?? ErrorCode ?? 0;

    public override string ToString()
    {
        var text = string.IsNullOrEmpty(Description) ? Error : $"{Error}: {Description}";
        return $"{Number} {text}".Trim();
    }
}

internal sealed class SlurmWarning
{
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    public override string ToString() => string.IsNullOrEmpty(Source) ? Description ?? string.Empty : $"{Source}: {Description}";
}

internal sealed class DiagStatistics
{
    [JsonPropertyName("jobs_submitted")]
    public long? JobsSubmitted { get; set; }

    [JsonPropertyName("jobs_started")]
    public long? JobsStarted { get; set; }

    [JsonPropertyName("jobs_completed")]
    public long? JobsCompleted { get; set; }

    [JsonPropertyName("jobs_canceled")]
    public long? JobsCanceled { get; set; }

    [JsonPropertyName("jobs_failed")]
    public long? JobsFailed { get; set; }

    [JsonPropertyName("jobs_pending")]
    public long? JobsPending { get; set; }

    [JsonPropertyName("jobs_running")]
    public long? JobsRunning { get; set; }

    [JsonPropertyName("schedule_cycle_last")]
    public long? ScheduleCycleLast { get; set; }

    [JsonPropertyName("schedule_cycle_mean")]
    public long? ScheduleCycleMean { get; set; }

    [JsonPropertyName("server_thread_count")]
    public int? ServerThreadCount { get; set; }
}

internal sealed class HoldUpdate
{
    [JsonPropertyName("hold")]
    public bool Hold { get; set; }
}

internal abstract class JobFields
{
    [JsonPropertyName("job_id")]
    public long JobId { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("comment")]
    public string? Comment { get; set; }

    [JsonPropertyName("state_reason")]
    public string? StateReason { get; set; }

    [JsonPropertyName("partition")]
    public string? Partition { get; set; }

    [JsonPropertyName("nodes")]
    public string? Nodes { get; set; }

    [JsonPropertyName("restart_cnt")]
    public int? RestartCount { get; set; }

    [JsonPropertyName("gres_detail")]
    public List<string>? GresDetail { get; set; }

    [JsonPropertyName("tres_per_node")]
    public string? TresPerNode { get; set; }

    [JsonPropertyName("tres_per_job")]
    public string? TresPerJob { get; set; }
}

internal abstract class NodeFields
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("gres")]
    public string? Gres { get; set; }

    [JsonPropertyName("gres_used")]
    public string? GresUsed { get; set; }

    [JsonPropertyName("cpus")]
    public int? Cpus { get; set; }

    [JsonPropertyName("alloc_cpus")]
    public int? AllocCpus { get; set; }

    [JsonPropertyName("real_memory")]
    public long? RealMemory { get; set; }

    [JsonPropertyName("partitions")]
    public List<string>? Partitions { get; set; }
}

internal abstract class JobDescriptionFields
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("comment")]
    public string? Comment { get; set; }

    [JsonPropertyName("partition")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Partition { get; set; }

    [JsonPropertyName("hold")]
    public bool Hold { get; set; }

    [JsonPropertyName("tasks")]
    public int Tasks { get; set; } = 1;

    [JsonPropertyName("cpus_per_task")]
    public int CpusPerTask { get; set; } = 1;

    [JsonPropertyName("requeue")]
    public bool Requeue { get; set; }

    [JsonPropertyName("current_working_directory")]
    public string? CurrentWorkingDirectory { get; set; }

    [JsonPropertyName("standard_output")]
    public string? StandardOutput { get; set; }
}

internal abstract class PingFields
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("mode")]
    public string? Mode { get; set; }
}
