using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

// Hand-written request and response bodies of slurmrestd's data_parser plugins v0.0.40 (Slurm 23.11) to v0.0.44
// (Slurm 25.11), from SchedMD's published OpenAPI schemas (components.schemas.v0.0.4N_*: job_submit_req, job_desc_msg,
// openapi_job_submit_response, openapi_job_post_response, openapi_job_info_resp/job_info, openapi_nodes_resp/node,
// openapi_partition_resp/partition_info, openapi_ping_array_resp/controller_ping, openapi_diag_resp/stats_msg,
// openapi_kill_job_resp, openapi_error, openapi_warning, uint32/uint64/uint16_no_val_struct,
// process_exit_code_verbose). Every field read here has the same JSON shape from v0.0.40 to v0.0.44; the versions'
// differences that matter (script placement, ping fields, cancel status) are handled by the dialect classes.
// Unknown fields are ignored; every field is optional.

/// <summary>
/// A number that may be unset or infinite: <c>{"set": bool, "infinite": bool, "number": n}</c> (Slurm's NO_VAL and
/// INFINITE), the shape of numeric fields from v0.0.40 on. A bare number is read as set.
/// </summary>
[JsonConverter(typeof(NoValNumberConverter))]
internal readonly record struct NoValNumber(bool Set, bool Infinite, long Number)
{
    /// <summary>The number when it is set and finite; otherwise <see langword="null"/>.</summary>
    public long? Value => Set && !Infinite ? Number : null;

    public static NoValNumber Of(long number) => new(true, false, number);
}

internal sealed class NoValNumberConverter : JsonConverter<NoValNumber>
{
    public override NoValNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.Number:
                return NoValNumber.Of(reader.GetInt64());
            case JsonTokenType.StartObject:
                break;
            default:
                throw new JsonException($"Expected a number or {{set, infinite, number}}, got {reader.TokenType}.");
        }

        bool set = false, infinite = false;
        long number = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("Malformed {set, infinite, number} object.");
            }

            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "set":
                    set = reader.TokenType == JsonTokenType.True;
                    break;
                case "infinite":
                    infinite = reader.TokenType == JsonTokenType.True;
                    break;
                case "number" when reader.TokenType == JsonTokenType.Number:
                    number = reader.GetInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new NoValNumber(set, infinite, number);
    }

    public override void Write(Utf8JsonWriter writer, NoValNumber value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteBoolean("set", value.Set);
        writer.WriteBoolean("infinite", value.Infinite);
        writer.WriteNumber("number", value.Number);
        writer.WriteEndObject();
    }
}

internal sealed class DpPlugin
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data_parser")]
    public string? DataParser { get; set; }
}

internal sealed class DpSlurmInfo
{
    [JsonPropertyName("release")]
    public string? Release { get; set; }

    [JsonPropertyName("cluster")]
    public string? Cluster { get; set; }
}

internal sealed class DpMeta
{
    [JsonPropertyName("plugin")]
    public DpPlugin? Plugin { get; set; }

    [JsonPropertyName("slurm")]
    public DpSlurmInfo? Slurm { get; set; }
}

internal class DpResponse
{
    [JsonPropertyName("meta")]
    public DpMeta? Meta { get; set; }

    [JsonPropertyName("errors")]
    public List<SlurmError>? Errors { get; set; }

    [JsonPropertyName("warnings")]
    public List<SlurmWarning>? Warnings { get; set; }
}

internal sealed class DpSubmitResult
{
    [JsonPropertyName("error_code")]
    public int? ErrorCode { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }
}

internal sealed class DpSubmitResponse : DpResponse
{
    [JsonPropertyName("job_id")]
    public long? JobId { get; set; }

    [JsonPropertyName("result")]
    public DpSubmitResult? Result { get; set; }
}

internal sealed class DpJobUpdateResult
{
    [JsonPropertyName("job_id")]
    public long? JobId { get; set; }

    [JsonPropertyName("error_code")]
    public int? ErrorCode { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("why")]
    public string? Why { get; set; }
}

internal sealed class DpJobPostResponse : DpResponse
{
    [JsonPropertyName("results")]
    public List<DpJobUpdateResult>? Results { get; set; }
}

internal sealed class DpKillError
{
    [JsonPropertyName("string")]
    public string? Text { get; set; }

    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

internal sealed class DpKillStatus
{
    [JsonPropertyName("error")]
    public DpKillError? Error { get; set; }

    [JsonPropertyName("job_id")]
    public NoValNumber JobId { get; set; }
}

internal sealed class DpKillJobResponse : DpResponse
{
    [JsonPropertyName("status")]
    public List<DpKillStatus>? Status { get; set; }
}

internal sealed class DpPing : PingFields
{
    [JsonPropertyName("pinged")]
    public string? Pinged { get; set; }

    [JsonPropertyName("responding")]
    public bool? Responding { get; set; }

    [JsonPropertyName("primary")]
    public bool? Primary { get; set; }
}

internal sealed class DpPingResponse : DpResponse
{
    [JsonPropertyName("pings")]
    public List<DpPing>? Pings { get; set; }
}

internal sealed class DpDiagResponse : DpResponse
{
    [JsonPropertyName("statistics")]
    public DiagStatistics? Statistics { get; set; }
}

internal sealed class DpNode : NodeFields
{
    [JsonPropertyName("state")]
    public List<string>? State { get; set; }
}

internal sealed class DpNodesResponse : DpResponse
{
    [JsonPropertyName("nodes")]
    public List<DpNode>? Nodes { get; set; }
}

internal sealed class DpPartitionNodes
{
    [JsonPropertyName("configured")]
    public string? Configured { get; set; }

    [JsonPropertyName("total")]
    public int? Total { get; set; }
}

internal sealed class DpPartitionCpus
{
    [JsonPropertyName("total")]
    public int? Total { get; set; }
}

internal sealed class DpPartitionPriority
{
    [JsonPropertyName("tier")]
    public int? Tier { get; set; }
}

internal sealed class DpPartitionState
{
    [JsonPropertyName("state")]
    public List<string>? State { get; set; }
}

internal sealed class DpPartition
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("nodes")]
    public DpPartitionNodes? Nodes { get; set; }

    [JsonPropertyName("cpus")]
    public DpPartitionCpus? Cpus { get; set; }

    [JsonPropertyName("priority")]
    public DpPartitionPriority? Priority { get; set; }

    [JsonPropertyName("partition")]
    public DpPartitionState? Partition { get; set; }
}

internal sealed class DpPartitionsResponse : DpResponse
{
    [JsonPropertyName("partitions")]
    public List<DpPartition>? Partitions { get; set; }
}

internal sealed class DpSignal
{
    [JsonPropertyName("id")]
    public NoValNumber Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

internal sealed class DpExitCode
{
    [JsonPropertyName("status")]
    public List<string>? Status { get; set; }

    [JsonPropertyName("return_code")]
    public NoValNumber ReturnCode { get; set; }

    [JsonPropertyName("signal")]
    public DpSignal? Signal { get; set; }
}

internal sealed class DpJob : JobFields
{
    [JsonPropertyName("job_state")]
    public List<string>? JobState { get; set; }

    [JsonPropertyName("node_count")]
    public NoValNumber NodeCount { get; set; }

    [JsonPropertyName("priority")]
    public NoValNumber Priority { get; set; }

    [JsonPropertyName("hold")]
    public bool? Hold { get; set; }

    [JsonPropertyName("exit_code")]
    public DpExitCode? ExitCode { get; set; }

    [JsonPropertyName("submit_time")]
    public NoValNumber SubmitTime { get; set; }

    [JsonPropertyName("start_time")]
    public NoValNumber StartTime { get; set; }

    [JsonPropertyName("end_time")]
    public NoValNumber EndTime { get; set; }
}

internal sealed class DpJobsResponse : DpResponse
{
    [JsonPropertyName("jobs")]
    public List<DpJob>? Jobs { get; set; }

    [JsonPropertyName("last_update")]
    public NoValNumber LastUpdate { get; set; }
}

internal sealed class DpJobDescription : JobDescriptionFields
{
    [JsonPropertyName("script")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Script { get; set; }

    [JsonPropertyName("tres_per_node")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TresPerNode { get; set; }

    [JsonPropertyName("nodes")]
    public string? Nodes { get; set; }

    [JsonPropertyName("time_limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NoValNumber? TimeLimit { get; set; }

    [JsonPropertyName("environment")]
    public List<string>? Environment { get; set; }
}

internal sealed class DpSubmitRequest
{
    [JsonPropertyName("script")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Script { get; set; }

    [JsonPropertyName("job")]
    public DpJobDescription? Job { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DpResponse))]
[JsonSerializable(typeof(DpSubmitResponse))]
[JsonSerializable(typeof(DpJobPostResponse))]
[JsonSerializable(typeof(DpKillJobResponse))]
[JsonSerializable(typeof(DpPingResponse))]
[JsonSerializable(typeof(DpDiagResponse))]
[JsonSerializable(typeof(DpNodesResponse))]
[JsonSerializable(typeof(DpPartitionsResponse))]
[JsonSerializable(typeof(DpJobsResponse))]
[JsonSerializable(typeof(DpSubmitRequest))]
[JsonSerializable(typeof(HoldUpdate))]
internal sealed partial class DataParserJsonContext : JsonSerializerContext
{
}
