using System.Text.Json;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

/// <summary>
/// REST API v0.0.38 (the openapi/v0.0.38 plugin of Slurm 22.05; 23.02 also serves it): flat job fields, numbers as
/// plain integers (<c>null</c> when unset), <c>job_state</c> a single string, the environment an object, a held submit
/// answered with error 2042 beside the job id, <c>update_time</c> answered with HTTP 304 when nothing changed.
/// </summary>
internal sealed class V0038Dialect : SlurmDialect
{
    public V0038Dialect()
        : base("v0.0.38")
    {
    }

    public override string PingPath => Prefix + "ping";

    public override string DiagnosticsPath => Prefix + "diag";

    public override string NodesPath => Prefix + "nodes";

    public override string PartitionsPath => Prefix + "partitions";

    public override string JobsPath => Prefix + "jobs";

    public override byte[] SubmitBody(SlurmSubmitSpec spec)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in spec.Environment)
        {
            environment[key] = value;
        }

        var request = new SubmitRequest
        {
            Script = spec.Script,
            Job = new JobProperties
            {
                Name = spec.Name,
                Comment = spec.Comment,
                Partition = spec.Partition,
                Hold = spec.Hold,
                Gres = spec.Gres,
                Nodes = spec.Nodes,
                Tasks = 1,
                CpusPerTask = spec.CpusPerTask,
                TimeLimit = spec.TimeLimitMinutes,
                Requeue = spec.Requeue,
                CurrentWorkingDirectory = spec.WorkingDirectory,
                StandardOutput = spec.StandardOutput,
                Environment = environment,
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(request, V0038JsonContext.Default.SubmitRequest);
    }

    public override byte[] HoldBody(bool hold) =>
        JsonSerializer.SerializeToUtf8Bytes(new HoldUpdate { Hold = hold }, V0038JsonContext.Default.HoldUpdate);

    public override SlurmReply<SlurmPing> ReadPing(byte[] body)
    {
        var r = Read(body, V0038JsonContext.Default.PingResponse);
        var ping = r.Pings?.Find(static p => string.Equals(p.Mode, "primary", StringComparison.OrdinalIgnoreCase)) ?? r.Pings?.FirstOrDefault();
        var value = new SlurmPing(
            ping?.Hostname ?? string.Empty,
            string.Equals(ping?.Ping, "UP", StringComparison.OrdinalIgnoreCase),
            ping?.Mode ?? string.Empty,
            r.Meta?.Slurm?.Release ?? string.Empty,
            r.Meta?.Plugin?.Type ?? string.Empty);
        return Reply(r, value);
    }

    public override SlurmReply<SlurmDiagnostics> ReadDiagnostics(byte[] body)
    {
        var r = Read(body, V0038JsonContext.Default.DiagResponse);
        return Reply(r, SlurmMapping.ToDiagnostics(r.Statistics));
    }

    public override SlurmReply<IReadOnlyList<SlurmNode>> ReadNodes(byte[] body)
    {
        var r = Read(body, V0038JsonContext.Default.NodesResponse);
        return Reply<IReadOnlyList<SlurmNode>>(r, [.. (r.Nodes ?? []).Select(SlurmMapping.ToNode)]);
    }

    public override SlurmReply<IReadOnlyList<SlurmPartition>> ReadPartitions(byte[] body)
    {
        var r = Read(body, V0038JsonContext.Default.PartitionsResponse);
        return Reply<IReadOnlyList<SlurmPartition>>(r, [.. (r.Partitions ?? []).Select(SlurmMapping.ToPartition)]);
    }

    public override SlurmReply<SubmitOutcome> ReadSubmit(byte[] body)
    {
        var r = Read(body, V0038JsonContext.Default.SubmitResponse);

        // A held submit answers error 2042 ("Job is in held state, pending scheduler release") beside a valid job id.
        var held = r.Errors?.Exists(static e => e.Number == JobHeldError) ?? false;
        var errors = OrEmpty(r.Errors?.FindAll(static e => e.Number != JobHeldError));
        var id = r.JobId is long n && n > 0 ? n : (long?)null;
        return new SlurmReply<SubmitOutcome>(new SubmitOutcome(id, held), id is null ? OrEmpty(r.Errors) : errors, OrEmpty(r.Warnings));
    }

    public override SlurmReply<bool> ReadUpdate(byte[] body) => Reply(Read(body, V0038JsonContext.Default.SlurmResponse), true);

    public override SlurmReply<bool> ReadCancel(byte[] body) => Reply(Read(body, V0038JsonContext.Default.SlurmResponse), true);

    public override SlurmReply<JobsPage> ReadJobs(byte[] body)
    {
        var r = Read(body, V0038JsonContext.Default.JobsResponse);
        return Reply(r, new JobsPage([.. (r.Jobs ?? []).Select(SlurmMapping.ToJob)], Unchanged: false));
    }

    private static T Read<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class =>
        JsonSerializer.Deserialize(body, type) ?? throw new JsonException("The answer is JSON null.");

    private static SlurmReply<T> Reply<T>(SlurmResponse response, T value) => new(value, OrEmpty(response.Errors), OrEmpty(response.Warnings));
}
