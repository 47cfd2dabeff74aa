using System.Globalization;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

/// <summary>What a submit answered: the job id (when Slurm made the job) and whether Slurm said it is held.</summary>
internal readonly record struct SubmitOutcome(long? JobId, bool Held);

/// <summary>A page of the job table: the jobs, or <see cref="Unchanged"/> when nothing changed since <c>update_time</c>.</summary>
internal readonly record struct JobsPage(IReadOnlyList<SlurmJob> Jobs, bool Unchanged);

/// <summary>A parsed answer: its value, and the errors and warnings slurmrestd put beside it.</summary>
internal readonly record struct SlurmReply<T>(T Value, IReadOnlyList<SlurmError> Errors, IReadOnlyList<SlurmWarning> Warnings);

/// <summary>A submit after validation, in the terms every API version shares.</summary>
internal sealed record SlurmSubmitSpec(
    string Script,
    string Name,
    string Comment,
    string? Partition,
    bool Hold,
    int GpusPerNode,
    string? GpuType,
    int Nodes,
    int CpusPerTask,
    int? TimeLimitMinutes,
    bool Requeue,
    string WorkingDirectory,
    string StandardOutput,
    IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>The GPU request as Slurm's gres names it (<c>gpu:2</c>, <c>gpu:a100:2</c>), or <see langword="null"/> without GPUs.</summary>
    public string? Gres => GpusPerNode <= 0
        ? null
        : string.IsNullOrEmpty(GpuType)
            ? "gpu:" + GpusPerNode.ToString(CultureInfo.InvariantCulture)
            : "gpu:" + GpuType + ":" + GpusPerNode.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One REST API version of slurmrestd: its paths, how requests are written and how answers are read. The client
/// speaks to slurmrestd only through a dialect, chosen at connect time (<see cref="SlurmApiNegotiation"/>) or pinned
/// by <see cref="SlurmOptions.ApiVersion"/>.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal abstract class SlurmDialect
{
    /// <summary>Slurm's "Job is in held state, pending scheduler release" (ESLURM_JOB_HELD).</summary>
    public const int JobHeldError = 2042;

    /// <summary>Slurm's "Invalid job id specified" (ESLURM_INVALID_JOB_ID).</summary>
    public const int InvalidJobIdError = 2017;

    /// <summary>Slurm's "Job/step already completing or completed" (ESLURM_ALREADY_DONE).</summary>
    public const int AlreadyDoneError = 2021;

    private static readonly string[] s_supported = ["v0.0.38", "v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44"];

    protected SlurmDialect(string version)
    {
        Version = version;
        Prefix = "slurm/" + version + "/";
    }

    /// <summary>The versions this client speaks, oldest first.</summary>
    public static IReadOnlyList<string> Supported => s_supported;

    /// <summary>The version, e.g. <c>v0.0.41</c>.</summary>
    public string Version { get; }

    /// <summary>The path prefix, <c>slurm/{version}/</c>.</summary>
    public string Prefix { get; }

    public abstract string PingPath { get; }

    public abstract string DiagnosticsPath { get; }

    public abstract string NodesPath { get; }

    public abstract string PartitionsPath { get; }

    public abstract string JobsPath { get; }

    public string SubmitPath => Prefix + "job/submit";

    /// <summary>Whether the version has a REST call that requeues a job (none does up to v0.0.44: <c>scontrol</c> is used).</summary>
    public virtual bool HasRestRequeue => false;

    public string JobPath(long jobId) => Prefix + "job/" + jobId.ToString(CultureInfo.InvariantCulture);

    public string JobsChangedPath(long updateTime) => JobsPath + "?update_time=" + updateTime.ToString(CultureInfo.InvariantCulture);

    /// <summary>The dialect of a supported version.</summary>
    /// <exception cref="ArgumentException">The version is not supported.</exception>
    public static SlurmDialect Create(string version) => version switch
    {
        "v0.0.38" => new V0038Dialect(),
        "v0.0.40" => new V0040Dialect(),
        "v0.0.41" => new V0041Dialect(),
        "v0.0.42" => new V0042Dialect(),
        "v0.0.43" => new V0043Dialect(),
        "v0.0.44" => new V0044Dialect(),
        _ => throw new ArgumentException($"REST API {version} is not supported; supported: {string.Join(", ", s_supported)}.", nameof(version)),
    };

    public static bool IsSupported(string? version) => version is not null && Array.IndexOf(s_supported, version) >= 0;

    public abstract byte[] SubmitBody(SlurmSubmitSpec spec);

    public abstract byte[] HoldBody(bool hold);

    public abstract SlurmReply<SlurmPing> ReadPing(byte[] body);

    public abstract SlurmReply<SlurmDiagnostics> ReadDiagnostics(byte[] body);

    public abstract SlurmReply<IReadOnlyList<SlurmNode>> ReadNodes(byte[] body);

    public abstract SlurmReply<IReadOnlyList<SlurmPartition>> ReadPartitions(byte[] body);

    public abstract SlurmReply<SubmitOutcome> ReadSubmit(byte[] body);

    /// <summary>Reads the answer of a job update (hold, release); per-job failures become errors.</summary>
    public abstract SlurmReply<bool> ReadUpdate(byte[] body);

    /// <summary>Reads the answer of a cancel; per-job failures become errors.</summary>
    public abstract SlurmReply<bool> ReadCancel(byte[] body);

    public abstract SlurmReply<JobsPage> ReadJobs(byte[] body);

    protected static IReadOnlyList<T> OrEmpty<T>(List<T>? list) => list is null ? [] : list;
}
