using System.Text.Json.Serialization;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

// Hand-written request and response bodies of slurmrestd's REST API v0.0.38 (Slurm 22.05), taken from what the server
// really sends (the OpenAPI document does not match it: error objects differ, numbers come as null). Unknown fields
// are ignored; every field a client reads is optional. The fields shared with v0.0.40+ are in CommonDtos.cs.

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

internal sealed class PingDto : PingFields
{
    [JsonPropertyName("ping")]
    public string? Ping { get; set; }
}

internal sealed class PingResponse : SlurmResponse
{
    [JsonPropertyName("pings")]
    public List<PingDto>? Pings { get; set; }
}

internal sealed class DiagResponse : SlurmResponse
{
    [JsonPropertyName("statistics")]
    public DiagStatistics? Statistics { get; set; }
}

internal sealed class NodeDto : NodeFields
{
    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("state_flags")]
    public List<string>? StateFlags { get; set; }
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

internal sealed class JobDto : JobFields
{
    [JsonPropertyName("job_state")]
    public string? JobState { get; set; }

    [JsonPropertyName("priority")]
    public long? Priority { get; set; }

    [JsonPropertyName("node_count")]
    public int? NodeCount { get; set; }

    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; set; }

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

internal sealed class JobProperties : JobDescriptionFields
{
    [JsonPropertyName("gres")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Gres { get; set; }

    [JsonPropertyName("nodes")]
    public int Nodes { get; set; } = 1;

    [JsonPropertyName("time_limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TimeLimit { get; set; }

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
