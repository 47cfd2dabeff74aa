using System.Text.Json.Serialization;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

// Hand-written request and response bodies of slurmrestd's REST API v0.0.38 (Slurm 22.05), taken from what the server
// really sends (the OpenAPI document does not match it: error objects differ, numbers come as null). Unknown fields
// are ignored; every field a client reads is optional. SlurmError and SlurmWarning are shared with v0.0.40+.

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

internal sealed class SlurmVersionDto
{
    [JsonPropertyName("release")]
    public string? Release { get; set; }
}

internal sealed class SlurmPluginDto
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }
}

internal sealed class SlurmMeta
{
    [JsonPropertyName("plugin")]
    public SlurmPluginDto? Plugin { get; set; }

    [JsonPropertyName("Slurm")]
    public SlurmVersionDto? Slurm { get; set; }
}

internal class SlurmResponse
{
    [JsonPropertyName("meta")]
    public SlurmMeta? Meta { get; set; }

    [JsonPropertyName("errors")]
    public List<SlurmError>? Errors { get; set; }

    [JsonPropertyName("warnings")]
    public List<SlurmWarning>? Warnings { get; set; }
}

internal sealed class SubmitResponse : SlurmResponse
{
    [JsonPropertyName("job_id")]
    public long? JobId { get; set; }
}

internal sealed class PingDto
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("ping")]
    public string? Ping { get; set; }

    [JsonPropertyName("mode")]
    public string? Mode { get; set; }
}

internal sealed class PingResponse : SlurmResponse
{
    [JsonPropertyName("pings")]
    public List<PingDto>? Pings { get; set; }
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

internal sealed class DiagResponse : SlurmResponse
{
    [JsonPropertyName("statistics")]
    public DiagStatistics? Statistics { get; set; }
}

internal sealed class NodeDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("state_flags")]
    public List<string>? StateFlags { get; set; }

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

internal sealed class NodesResponse : SlurmResponse
{
    [JsonPropertyName("nodes")]
    public List<NodeDto>? Nodes { get; set; }
}

internal sealed class PartitionDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("nodes")]
    public string? Nodes { get; set; }

    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }

    [JsonPropertyName("priority_tier")]
    public int? PriorityTier { get; set; }

    [JsonPropertyName("total_nodes")]
    public int? TotalNodes { get; set; }

    [JsonPropertyName("total_cpus")]
    public int? TotalCpus { get; set; }
}

internal sealed class PartitionsResponse : SlurmResponse
{
    [JsonPropertyName("partitions")]
    public List<PartitionDto>? Partitions { get; set; }
}

internal sealed class JobDto
{
    [JsonPropertyName("job_id")]
    public long JobId { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("comment")]
    public string? Comment { get; set; }

    [JsonPropertyName("job_state")]
    public string? JobState { get; set; }

    [JsonPropertyName("state_reason")]
    public string? StateReason { get; set; }

    [JsonPropertyName("partition")]
    public string? Partition { get; set; }

    [JsonPropertyName("nodes")]
    public string? Nodes { get; set; }

    [JsonPropertyName("priority")]
    public long? Priority { get; set; }

    [JsonPropertyName("restart_cnt")]
    public int? RestartCount { get; set; }

    [JsonPropertyName("node_count")]
    public int? NodeCount { get; set; }

    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; set; }

    [JsonPropertyName("gres_detail")]
    public List<string>? GresDetail { get; set; }

    [JsonPropertyName("tres_per_node")]
    public string? TresPerNode { get; set; }

    [JsonPropertyName("tres_per_job")]
    public string? TresPerJob { get; set; }

    [JsonPropertyName("submit_time")]
    public long? SubmitTime { get; set; }

    [JsonPropertyName("start_time")]
    public long? StartTime { get; set; }

    [JsonPropertyName("end_time")]
    public long? EndTime { get; set; }
}

internal sealed class JobsResponse : SlurmResponse
{
    [JsonPropertyName("jobs")]
    public List<JobDto>? Jobs { get; set; }
}

internal sealed class JobProperties
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

    [JsonPropertyName("gres")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Gres { get; set; }

    [JsonPropertyName("nodes")]
    public int Nodes { get; set; } = 1;

    [JsonPropertyName("tasks")]
    public int Tasks { get; set; } = 1;

    [JsonPropertyName("cpus_per_task")]
    public int CpusPerTask { get; set; } = 1;

    [JsonPropertyName("time_limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TimeLimit { get; set; }

    [JsonPropertyName("requeue")]
    public bool Requeue { get; set; }

    [JsonPropertyName("current_working_directory")]
    public string? CurrentWorkingDirectory { get; set; }

    [JsonPropertyName("standard_output")]
    public string? StandardOutput { get; set; }

    [JsonPropertyName("environment")]
    public Dictionary<string, string>? Environment { get; set; }
}

internal sealed class SubmitRequest
{
    [JsonPropertyName("script")]
    public string? Script { get; set; }

    [JsonPropertyName("job")]
    public JobProperties? Job { get; set; }
}

internal sealed class HoldUpdate
{
    [JsonPropertyName("hold")]
    public bool Hold { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SlurmResponse))]
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(PingResponse))]
[JsonSerializable(typeof(DiagResponse))]
[JsonSerializable(typeof(NodesResponse))]
[JsonSerializable(typeof(PartitionsResponse))]
[JsonSerializable(typeof(JobsResponse))]
[JsonSerializable(typeof(SubmitRequest))]
[JsonSerializable(typeof(HoldUpdate))]
internal sealed partial class V0038JsonContext : JsonSerializerContext
{
}
