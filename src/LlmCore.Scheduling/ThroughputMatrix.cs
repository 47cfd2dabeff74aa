using System.Text.Json;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling;

/// <summary>
/// Measured throughput (for example training steps per second) of each job class on each GPU type: the input of
/// heterogeneity-aware scheduling (Narayanan et al., "Heterogeneity-Aware Cluster Scheduling Policies for Deep Learning
/// Workloads", OSDI 2020, "Gavel"). A job of class c runs on type t at <see cref="RelativeSpeed(string, string)"/>(c, t) = throughput(c, t)
/// / throughput(c, reference type) of its speed on the reference type, on which its duration and runtime estimate are
/// given. A throughput of 0 means the class cannot run on that type.
/// </summary>
/// <remarks>
/// File format (<see cref="Load"/>, <see cref="Parse"/>): a JSON object
/// <c>{ "referenceGpuType": "v100", "gpuTypes": ["v100", "p100", "k80"], "classes": { "ResNet-50": { "v100": 2.9, "p100": 1.8, "k80": 0.5 }, ... } }</c>;
/// <c>referenceGpuType</c> defaults to the first of <c>gpuTypes</c>; every class gives a throughput ≥ 0 for every type and
/// &gt; 0 on the reference type; other keys (<c>source</c>, <c>unit</c>) are ignored. Names compare case-insensitively.
/// Immutable and thread-safe.
/// </remarks>
public sealed class ThroughputMatrix
{
    private static readonly string[] s_rootKeys = ["gpuTypes", "referenceGpuType", "classes", "source", "unit"];
    private readonly Dictionary<string, int> _classIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _types;
    private readonly string[] _classes;
    private readonly double[] _throughput;
    private readonly int _reference;

    /// <summary>Creates a matrix.</summary>
    /// <param name="gpuTypes">The GPU types (columns), unique, at least one.</param>
    /// <param name="rows">Per job class, its throughput on each type in the order of <paramref name="gpuTypes"/> (≥ 0, finite).</param>
    /// <param name="referenceGpuType">The type durations refer to; <see langword="null"/> for the first type. Every class must run on it (&gt; 0).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is empty or repeated, a row has the wrong length or a value out of range, or the reference type is unknown.</exception>
    public ThroughputMatrix(IEnumerable<string> gpuTypes, IEnumerable<KeyValuePair<string, IReadOnlyList<double>>> rows, string? referenceGpuType = null)
    {
        ArgumentNullException.ThrowIfNull(gpuTypes);
        ArgumentNullException.ThrowIfNull(rows);
        _types = [.. gpuTypes];
        if (_types.Length == 0 || _types.Any(string.IsNullOrWhiteSpace) || _types.Distinct(StringComparer.OrdinalIgnoreCase).Count() != _types.Length)
        {
            throw new ArgumentException("GPU types must be at least one, non-empty and unique.", nameof(gpuTypes));
        }

        _reference = referenceGpuType is null ? 0 : Array.FindIndex(_types, t => string.Equals(t, referenceGpuType, StringComparison.OrdinalIgnoreCase));
        if (_reference < 0)
        {
            throw new ArgumentException($"The reference GPU type '{referenceGpuType}' is not one of {string.Join(", ", _types)}.", nameof(referenceGpuType));
        }

        var classes = new List<string>();
        var values = new List<double>();
        foreach (var (name, row) in rows)
        {
            if (string.IsNullOrWhiteSpace(name) || !_classIndex.TryAdd(name, classes.Count))
            {
                throw new ArgumentException($"Job class '{name}' is empty or repeated.", nameof(rows));
            }

            if (row is null || row.Count != _types.Length)
            {
                throw new ArgumentException($"Job class '{name}' needs one throughput per GPU type ({_types.Length}).", nameof(rows));
            }

            foreach (var v in row)
            {
                if (!double.IsFinite(v) || v < 0)
                {
                    throw new ArgumentException($"Job class '{name}' has a throughput that is not a finite number ≥ 0.", nameof(rows));
                }
            }

            if (row[_reference] <= 0)
            {
                throw new ArgumentException($"Job class '{name}' must run on the reference GPU type {_types[_reference]} (throughput > 0).", nameof(rows));
            }

            classes.Add(name);
            values.AddRange(row);
        }

        _classes = [.. classes];
        _throughput = [.. values];
        MeanThroughput = new double[_types.Length];
        for (var t = 0; t < _types.Length; t++)
        {
            var sum = 0.0;
            for (var c = 0; c < _classes.Length; c++)
            {
                sum += _throughput[(c * _types.Length) + t] / _throughput[(c * _types.Length) + _reference];
            }

            MeanThroughput[t] = _classes.Length == 0 ? 1 : sum / _classes.Length;
        }
    }

    /// <summary>Gets the GPU types (columns).</summary>
    public IReadOnlyList<string> GpuTypes => _types;

    /// <summary>Gets the job classes (rows).</summary>
    public IReadOnlyList<string> JobClasses => _classes;

    /// <summary>Gets the GPU type that durations and runtime estimates refer to.</summary>
    public string ReferenceGpuType => _types[_reference];

    /// <summary>The mean over classes of each type's speed relative to the reference type: the yardstick of normalised throughput.</summary>
    internal double[] MeanThroughput { get; }

    /// <summary>Reads a matrix file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SchedulingFileException">The file is malformed (the message names line and column).</exception>
    public static ThroughputMatrix Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The throughput file '{path}' does not exist.", path);
        }

        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Parses a matrix from JSON text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">A name for messages (e.g. the file name).</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="SchedulingFileException">The text is malformed or has an unknown top-level key (the message names
    /// line and column).</exception>
    public static ThroughputMatrix Parse(string json, string source = "throughputs")
    {
        ArgumentNullException.ThrowIfNull(json);
        var root = PositionedJson.Parse(json, source).Expect(JsonValueKind.Object, source, "the throughput file");
        root.CheckKeys(s_rootKeys, source, "the throughput file");
        var typesNode = root.Get("gpuTypes") ?? throw root.Error(source, "missing \"gpuTypes\": the GPU types, e.g. [\"v100\", \"p100\", \"k80\"]");
        typesNode.Expect(JsonValueKind.Array, source, "\"gpuTypes\"");
        if (typesNode.Items.Count == 0)
        {
            throw typesNode.Error(source, "\"gpuTypes\" must list at least one GPU type");
        }

        var types = new List<string>();
        foreach (var item in typesNode.Items)
        {
            var name = item.ExpectString(source, "a GPU type");
            if (types.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw item.Error(source, $"GPU type '{name}' appears twice");
            }

            types.Add(name);
        }

        string? reference = null;
        if (root.Get("referenceGpuType") is { } referenceNode)
        {
            reference = referenceNode.ExpectString(source, "\"referenceGpuType\"");
            if (!types.Contains(reference, StringComparer.OrdinalIgnoreCase))
            {
                throw referenceNode.Error(source, $"\"referenceGpuType\" '{reference}' is not one of \"gpuTypes\" ({string.Join(", ", types)})");
            }
        }

        var referenceIndex = reference is null ? 0 : types.FindIndex(t => string.Equals(t, reference, StringComparison.OrdinalIgnoreCase));
        var classesNode = root.Get("classes") ?? throw root.Error(source, "missing \"classes\": an object of job class → { GPU type: throughput }");
        classesNode.Expect(JsonValueKind.Object, source, "\"classes\"");
        var rows = new List<KeyValuePair<string, IReadOnlyList<double>>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, row) in classesNode.Properties)
        {
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
            {
                throw row.Error(source, $"job class '{name}' is empty or appears twice");
            }

            row.Expect(JsonValueKind.Object, source, $"the throughputs of '{name}'");
            var values = new double[types.Count];
            var given = new bool[types.Count];
            foreach (var (type, value) in row.Properties)
            {
                var t = types.FindIndex(x => string.Equals(x, type, StringComparison.OrdinalIgnoreCase));
                if (t < 0)
                {
                    throw value.Error(source, $"'{name}' names GPU type '{type}', which is not in \"gpuTypes\" ({string.Join(", ", types)})");
                }

                values[t] = value.ExpectNumber(source, $"the throughput of '{name}' on {type}", 0, double.PositiveInfinity);
                given[t] = true;
            }

            var missing = Array.IndexOf(given, false);
            if (missing >= 0)
            {
                throw row.Error(source, $"'{name}' gives no throughput for GPU type {types[missing]} (use 0 when it cannot run there)");
            }

            if (values[referenceIndex] <= 0)
            {
                throw row.Error(source, $"'{name}' must run on the reference GPU type {types[referenceIndex]} (throughput > 0)");
            }

            rows.Add(new(name, values));
        }

        return new ThroughputMatrix(types, rows, reference);
    }

    /// <summary>Gets whether the matrix has a row for <paramref name="jobClass"/>.</summary>
    /// <param name="jobClass">The job class.</param>
    /// <returns><see langword="true"/> when known.</returns>
    public bool Contains(string jobClass) => jobClass is not null && _classIndex.ContainsKey(jobClass);

    /// <summary>Gets the throughput of a class on a type.</summary>
    /// <param name="jobClass">The job class.</param>
    /// <param name="gpuType">The GPU type.</param>
    /// <returns>The throughput (0 when the class cannot run there).</returns>
    /// <exception cref="ArgumentException">The class or type is unknown.</exception>
    public double Throughput(string jobClass, string gpuType)
    {
        ArgumentNullException.ThrowIfNull(jobClass);
        ArgumentNullException.ThrowIfNull(gpuType);
        if (!_classIndex.TryGetValue(jobClass, out var c))
        {
            throw new ArgumentException($"Unknown job class '{jobClass}'.", nameof(jobClass));
        }

        return _throughput[(c * _types.Length) + TypeColumn(gpuType)];
    }

    /// <summary>Gets the speed of a class on a type relative to the reference type (1 on the reference type).</summary>
    /// <param name="jobClass">The job class.</param>
    /// <param name="gpuType">The GPU type.</param>
    /// <returns>throughput(class, type) / throughput(class, reference).</returns>
    /// <exception cref="ArgumentException">The class or type is unknown.</exception>
    public double RelativeSpeed(string jobClass, string gpuType) => Throughput(jobClass, gpuType) / Throughput(jobClass, ReferenceGpuType);

    /// <summary>The row index of a class, or −1.</summary>
    internal int ClassIndex(string? jobClass) => jobClass is not null && _classIndex.TryGetValue(jobClass, out var c) ? c : -1;

    /// <summary>The column of a type name, or −1.</summary>
    internal int TypeIndex(string gpuType) => Array.FindIndex(_types, t => string.Equals(t, gpuType, StringComparison.OrdinalIgnoreCase));

    /// <summary>Relative speed by indices (row from <see cref="ClassIndex"/>, column from <see cref="TypeIndex"/>).</summary>
    internal double RelativeSpeed(int row, int column) => _throughput[(row * _types.Length) + column] / _throughput[(row * _types.Length) + _reference];

    private int TypeColumn(string gpuType)
    {
        var t = TypeIndex(gpuType);
        return t >= 0 ? t : throw new ArgumentException($"Unknown GPU type '{gpuType}'; the matrix has {string.Join(", ", _types)}.", nameof(gpuType));
    }
}
