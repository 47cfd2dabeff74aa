using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

/// <summary>
/// The REST API versions served through Slurm's data_parser plugins (v0.0.40, Slurm 23.11, and later). What changed
/// from v0.0.38 (SchedMD's "Slurm OpenAPI Plugin Release Notes", slurm-23.11): numbers that may be unset or infinite
/// are <c>{"set", "infinite", "number"}</c> objects (<c>time_limit</c>, <c>priority</c>, the times); <c>job_state</c>
/// and node <c>state</c> are lists of flags; <c>exit_code</c> is <c>{status, return_code, signal}</c>; the environment
/// is a list of <c>NAME=value</c> strings; the GPU request is <c>tres_per_node</c> (<c>gres/gpu:N</c>; there is no
/// <c>gres</c> field); answers carry <c>warnings</c> beside <c>errors</c>, and a held submit or an unchanged
/// <c>update_time</c> is a warning, not an error or HTTP 304; paths of collections end in <c>/</c>.
/// </summary>
internal abstract class DataParserDialect : SlurmDialect
{
    private const string NoJobChanges = "No job changes since";

    protected DataParserDialect(string version)
        : base(version)
    {
    }

    public override string PingPath => Prefix + "ping/";

    public override string DiagnosticsPath => Prefix + "diag/";

    public override string NodesPath => Prefix + "nodes/";

    public override string PartitionsPath => Prefix + "partitions/";

    public override string JobsPath => Prefix + "jobs/";

    /// <summary>Whether the batch script goes into <c>job.script</c> (v0.0.41 on: the top-level <c>script</c> is deprecated) or at the top level (v0.0.40).</summary>
    protected abstract bool ScriptInJob { get; }

    public override byte[] SubmitBody(SlurmSubmitSpec spec)
    {
        var job = new DpJobDescription
        {
            Script = ScriptInJob ? spec.Script : null,
            Name = spec.Name,
            Comment = spec.Comment,
            Partition = spec.Partition,
            Hold = spec.Hold,
            TresPerNode = spec.Gres is { } gres ? "gres/" + gres : null,
            Nodes = spec.Nodes.ToString(CultureInfo.InvariantCulture),
            Tasks = 1,
            CpusPerTask = spec.CpusPerTask,
            TimeLimit = spec.TimeLimitMinutes is int minutes ? NoValNumber.Of(minutes) : null,
            Requeue = spec.Requeue,
            CurrentWorkingDirectory = spec.WorkingDirectory,
            StandardOutput = spec.StandardOutput,
            Environment = [.. spec.Environment.Select(static kv => kv.Key + "=" + kv.Value)],
        };
        var request = new DpSubmitRequest { Script = ScriptInJob ? null : spec.Script, Job = job };
        return JsonSerializer.SerializeToUtf8Bytes(request, DataParserJsonContext.Default.DpSubmitRequest);
    }

    public override byte[] HoldBody(bool hold) =>
        JsonSerializer.SerializeToUtf8Bytes(new HoldUpdate { Hold = hold }, DataParserJsonContext.Default.HoldUpdate);

    public override SlurmReply<SlurmPing> ReadPing(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpPingResponse);
        var pings = r.Pings ?? [];
        var ping = pings.Find(IsPrimary) ?? pings.FirstOrDefault();
        var value = new SlurmPing(
            ping?.Hostname ?? string.Empty,
            ping is not null && IsUp(ping),
            ping is null ? string.Empty : Mode(ping),
            r.Meta?.Slurm?.Release ?? string.Empty,
            r.Meta?.Plugin?.DataParser ?? r.Meta?.Plugin?.Type ?? string.Empty);
        return Reply(r, value);
    }

    public override SlurmReply<SlurmDiagnostics> ReadDiagnostics(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpDiagResponse);
        return Reply(r, SlurmMapping.ToDiagnostics(r.Statistics));
    }

    public override SlurmReply<IReadOnlyList<SlurmNode>> ReadNodes(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpNodesResponse);
        return Reply<IReadOnlyList<SlurmNode>>(r, [.. (r.Nodes ?? []).Select(SlurmMapping.ToNode)]);
    }

    public override SlurmReply<IReadOnlyList<SlurmPartition>> ReadPartitions(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpPartitionsResponse);
        return Reply<IReadOnlyList<SlurmPartition>>(r, [.. (r.Partitions ?? []).Select(SlurmMapping.ToPartition)]);
    }

    public override SlurmReply<SubmitOutcome> ReadSubmit(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpSubmitResponse);

        // A held submit is a warning here ("Job is in held state, pending scheduler release"), and the deprecated
        // result object carries error_code 2042.
        var held = r.Result?.ErrorCode == JobHeldError
            || (r.Errors?.Exists(static e => e.Number == JobHeldError) ?? false)
            || (r.Warnings?.Exists(static w => w.Description?.Contains("held state", StringComparison.OrdinalIgnoreCase) == true) ?? false);
        var id = r.JobId is long n && n > 0 ? n : (long?)null;
        var errors = id is null ? OrEmpty(r.Errors) : OrEmpty(r.Errors?.FindAll(static e => e.Number != JobHeldError));
        return new SlurmReply<SubmitOutcome>(new SubmitOutcome(id, held), errors, OrEmpty(r.Warnings));
    }

    public override SlurmReply<bool> ReadUpdate(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpJobPostResponse);

        // slurm_update_job2 answers per job: a non-zero error_code is a refusal even when the request succeeded.
        var errors = new List<SlurmError>(OrEmpty(r.Errors));
        foreach (var result in r.Results ?? [])
        {
            if (result.ErrorCode is int code && code != 0)
            {
                errors.Add(new SlurmError { ErrorNumber = code, Error = result.Error, Description = result.Why });
            }
        }

        return new SlurmReply<bool>(true, errors, OrEmpty(r.Warnings));
    }

    public override SlurmReply<bool> ReadCancel(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpKillJobResponse);
        return new SlurmReply<bool>(true, CancelErrors(r), OrEmpty(r.Warnings));
    }

    public override SlurmReply<JobsPage> ReadJobs(byte[] body)
    {
        var r = Read(body, DataParserJsonContext.Default.DpJobsResponse);
        var jobs = r.Jobs ?? [];

        // An update_time with no change since answers HTTP 200, no jobs and a warning (slurmctld's SLURM_NO_CHANGE_IN_DATA).
        var unchanged = jobs.Count == 0
            && (r.Warnings?.Exists(static w => w.Description?.StartsWith(NoJobChanges, StringComparison.Ordinal) == true) ?? false);
        return Reply(r, new JobsPage([.. jobs.Select(SlurmMapping.ToJob)], unchanged));
    }

    /// <summary>The errors of a cancel answer; v0.0.44 adds a per-job <c>status</c> list.</summary>
    protected virtual IReadOnlyList<SlurmError> CancelErrors(DpKillJobResponse response) => OrEmpty(response.Errors);

    protected virtual bool IsUp(DpPing ping) => string.Equals(ping.Pinged, "UP", StringComparison.OrdinalIgnoreCase);

    protected virtual bool IsPrimary(DpPing ping) => string.Equals(ping.Mode, "primary", StringComparison.OrdinalIgnoreCase);

    protected virtual string Mode(DpPing ping) => ping.Mode ?? string.Empty;

    private static T Read<T>(byte[] body, JsonTypeInfo<T> type)
        where T : class =>
        JsonSerializer.Deserialize(body, type) ?? throw new JsonException("The answer is JSON null.");

    private static SlurmReply<T> Reply<T>(DpResponse response, T value) => new(value, OrEmpty(response.Errors), OrEmpty(response.Warnings));
}

/// <summary>
/// v0.0.40 (data_parser/v0.0.40; Slurm 23.11, 24.05, 24.11 and 25.05 serve it): the batch script at the top level of
/// the submit (<c>job_submit_req.script</c>); ping answers <c>pinged</c> and <c>mode</c>. <c>hold</c> in job updates
/// exists from Slurm 23.11.2 (release notes, 23.11.2), which negotiation checks.
/// </summary>
internal sealed class V0040Dialect() : DataParserDialect("v0.0.40")
{
    protected override bool ScriptInJob => false;
}

/// <summary>
/// v0.0.41 (Slurm 24.05 to 25.11): the top-level <c>script</c> of a submit is deprecated (release notes, 24.05), so
/// the script goes into <c>job.script</c>.
/// </summary>
internal sealed class V0041Dialect() : DataParserDialect("v0.0.41")
{
    protected override bool ScriptInJob => true;
}

/// <summary>
/// v0.0.42 (Slurm 24.11 to 25.11): ping answers <c>responding</c> and <c>primary</c> (booleans) and deprecates
/// <c>pinged</c> and <c>mode</c> (release notes, 24.11).
/// </summary>
internal class V0042Dialect : DataParserDialect
{
    public V0042Dialect()
        : this("v0.0.42")
    {
    }

    protected V0042Dialect(string version)
        : base(version)
    {
    }

    protected override bool ScriptInJob => true;

    protected override bool IsUp(DpPing ping) => ping.Responding ?? base.IsUp(ping);

    protected override bool IsPrimary(DpPing ping) => ping.Primary ?? base.IsPrimary(ping);

    protected override string Mode(DpPing ping) => ping.Primary is bool primary ? (primary ? "primary" : "backup") : base.Mode(ping);
}

/// <summary>
/// v0.0.43 (Slurm 25.05 and 25.11): for the fields read here the same JSON as v0.0.42 (the flag lists became inline
/// enums in the schema, release notes 25.05; the JSON is unchanged).
/// </summary>
internal sealed class V0043Dialect() : V0042Dialect("v0.0.43");

/// <summary>
/// v0.0.44 (Slurm 25.11): a cancel (<c>DELETE /job/{id}</c>) answers <c>openapi_kill_job_resp</c> with a per-job
/// <c>status</c> list whose <c>error.code</c> reports an unknown or finished job; <c>job_state</c> may hold
/// <c>EXPEDITING</c>.
/// </summary>
internal sealed class V0044Dialect() : V0042Dialect("v0.0.44")
{
    protected override IReadOnlyList<SlurmError> CancelErrors(DpKillJobResponse response)
    {
        var errors = new List<SlurmError>(OrEmpty(response.Errors));
        foreach (var status in response.Status ?? [])
        {
            if (status.Error?.Code is int code && code != 0)
            {
                errors.Add(new SlurmError { ErrorNumber = code, Error = status.Error.Text, Description = status.Error.Message });
            }
        }

        return errors;
    }
}
