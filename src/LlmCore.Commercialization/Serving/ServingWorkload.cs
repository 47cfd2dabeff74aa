using System.Globalization;
using LlmCore.Commercialization.Internal;
using MathNet.Numerics.Random;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// The requests a serving simulation replays, sorted by arrival: a Poisson stream at a rate, a batch that arrives at
/// once (an offline benchmark), or a trace.
/// </summary>
/// <remarks>
/// <para>Trace CSV files have a header row and the columns <c>arrival_s,input_tokens,output_tokens</c> (invariant
/// culture; extra columns are ignored), one request per row.</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed class ServingWorkload
{
    private readonly ServingRequest[] _requests;

    /// <summary>Creates a workload from requests in any order (they are sorted by arrival, ties keeping their order).</summary>
    /// <param name="requests">The requests; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="requests"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="requests"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A request has a negative or non-finite arrival time, or fewer than one input or output token.</exception>
    public ServingWorkload(IEnumerable<ServingRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var list = requests.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A workload needs at least one request.", nameof(requests));
        }

        for (var i = 0; i < list.Length; i++)
        {
            var r = list[i];
            if (!double.IsFinite(r.ArrivalSeconds) || r.ArrivalSeconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(requests), r.ArrivalSeconds, string.Create(CultureInfo.InvariantCulture, $"Request {i}: the arrival time must be finite and ≥ 0 seconds."));
            }

            if (r.InputTokens < 1 || r.OutputTokens < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(requests), string.Create(CultureInfo.InvariantCulture, $"Request {i}: input and output tokens must be ≥ 1; got {r.InputTokens} and {r.OutputTokens}."));
            }
        }

        var order = Enumerable.Range(0, list.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = list[a].ArrivalSeconds.CompareTo(list[b].ArrivalSeconds);
            return c != 0 ? c : a.CompareTo(b);
        });
        _requests = Array.ConvertAll(order, i => list[i]);
        MeanInputTokens = _requests.Average(static r => (double)r.InputTokens);
        MeanOutputTokens = _requests.Average(static r => (double)r.OutputTokens);
        MaxInputTokens = _requests.Max(static r => r.InputTokens);
        MaxOutputTokens = _requests.Max(static r => r.OutputTokens);
        var span = _requests[^1].ArrivalSeconds - _requests[0].ArrivalSeconds;
        OfferedRequestsPerSecond = span > 0 ? (_requests.Length - 1) / span : double.PositiveInfinity;
    }

    /// <summary>Gets the requests, sorted by arrival.</summary>
    public IReadOnlyList<ServingRequest> Requests => _requests;

    /// <summary>Gets the number of requests.</summary>
    public int Count => _requests.Length;

    /// <summary>Gets the mean prompt length.</summary>
    public double MeanInputTokens { get; }

    /// <summary>Gets the mean output length.</summary>
    public double MeanOutputTokens { get; }

    /// <summary>Gets the longest prompt.</summary>
    public int MaxInputTokens { get; }

    /// <summary>Gets the longest output.</summary>
    public int MaxOutputTokens { get; }

    /// <summary>Gets the arrival rate: the stated rate of a Poisson workload, else (requests − 1)/(last − first arrival); infinity when all arrive at once.</summary>
    public double OfferedRequestsPerSecond { get; private init; }

    /// <summary>Gets the output tokens per second the arrivals ask for: <see cref="OfferedRequestsPerSecond"/> × <see cref="MeanOutputTokens"/>.</summary>
    public double OfferedOutputTokensPerSecond => OfferedRequestsPerSecond * MeanOutputTokens;

    /// <summary>Creates a Poisson stream: exponential inter-arrival times of mean 1/<paramref name="requestsPerSecond"/>, the first request at 0.</summary>
    /// <param name="requestsPerSecond">The arrival rate λ, finite and &gt; 0.</param>
    /// <param name="count">The number of requests, ≥ 1.</param>
    /// <param name="inputTokens">Prompt lengths.</param>
    /// <param name="outputTokens">Output lengths.</param>
    /// <param name="seed">The seed of the Mersenne Twister that draws arrivals and lengths.</param>
    /// <returns>The workload.</returns>
    /// <exception cref="ArgumentNullException">A length distribution is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestsPerSecond"/> or <paramref name="count"/> is out of range.</exception>
    public static ServingWorkload Poisson(double requestsPerSecond, int count, TokenLengths inputTokens, TokenLengths outputTokens, int seed = 0)
    {
        Guard.PositiveFinite(requestsPerSecond);
        Guard.Positive(count);
        ArgumentNullException.ThrowIfNull(inputTokens);
        ArgumentNullException.ThrowIfNull(outputTokens);
        var random = new MersenneTwister(seed, threadSafe: false);
        var requests = new ServingRequest[count];
        var t = 0.0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                t += -Math.Log(1.0 - random.NextDouble()) / requestsPerSecond;
            }

            requests[i] = new ServingRequest(t, inputTokens.Sample(random), outputTokens.Sample(random));
        }

        return new ServingWorkload(requests) { OfferedRequestsPerSecond = requestsPerSecond };
    }

    /// <summary>Creates a batch of requests that all arrive at time 0 (an offline, maximum-throughput benchmark).</summary>
    /// <param name="count">The number of requests, ≥ 1.</param>
    /// <param name="inputTokens">Prompt lengths.</param>
    /// <param name="outputTokens">Output lengths.</param>
    /// <param name="seed">The seed of the lengths.</param>
    /// <returns>The workload.</returns>
    /// <exception cref="ArgumentNullException">A length distribution is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static ServingWorkload Batch(int count, TokenLengths inputTokens, TokenLengths outputTokens, int seed = 0)
    {
        Guard.Positive(count);
        ArgumentNullException.ThrowIfNull(inputTokens);
        ArgumentNullException.ThrowIfNull(outputTokens);
        var random = new MersenneTwister(seed, threadSafe: false);
        var requests = new ServingRequest[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new ServingRequest(0, inputTokens.Sample(random), outputTokens.Sample(random));
        }

        return new ServingWorkload(requests);
    }

    /// <summary>Reads a trace in the CSV format of the remarks.</summary>
    /// <param name="csv">The CSV text.</param>
    /// <returns>The workload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="csv"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The header lacks a column, or a cell is not a number in range; the message names the row and column.</exception>
    public static ServingWorkload ParseCsv(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.Split('\n');
        var row = 0;
        while (row < lines.Length && string.IsNullOrWhiteSpace(lines[row]))
        {
            row++;
        }

        if (row == lines.Length)
        {
            throw new FormatException("The trace is empty: expected a header row 'arrival_s,input_tokens,output_tokens'.");
        }

        var header = lines[row].Trim().Split(',').Select(static h => h.Trim().ToLowerInvariant()).ToArray();
        var arrival = Column(header, "arrival_s");
        var input = Column(header, "input_tokens");
        var output = Column(header, "output_tokens");
        var requests = new List<ServingRequest>();
        for (var i = row + 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            var rowNumber = i + 1;
            var a = Number(cells, arrival, rowNumber, "arrival_s");
            if (a < 0)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Row {rowNumber}, column {arrival + 1} (arrival_s): expected a time ≥ 0; got {a}."));
            }

            requests.Add(new ServingRequest(a, Tokens(cells, input, rowNumber, "input_tokens"), Tokens(cells, output, rowNumber, "output_tokens")));
        }

        if (requests.Count == 0)
        {
            throw new FormatException("The trace has a header but no requests.");
        }

        return new ServingWorkload(requests);
    }

    /// <summary>Reads a trace file in the CSV format of the remarks.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The workload.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A row is malformed (the message names the row and column).</exception>
    public static ServingWorkload LoadCsv(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Trace file '{path}' does not exist.", path);
        }

        return ParseCsv(File.ReadAllText(path));
    }

    private static int Column(string[] header, string name)
    {
        var index = Array.IndexOf(header, name);
        if (index < 0)
        {
            throw new FormatException($"Row 1: the header has no '{name}' column; expected 'arrival_s,input_tokens,output_tokens'.");
        }

        return index;
    }

    private static double Number(string[] cells, int column, int row, string name)
    {
        if (column >= cells.Length || !double.TryParse(cells[column].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            var got = column < cells.Length ? cells[column].Trim() : "nothing";
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Row {row}, column {column + 1} ({name}): expected a number; got '{got}'."));
        }

        return value;
    }

    private static int Tokens(string[] cells, int column, int row, string name)
    {
        var value = Number(cells, column, row, name);
        if (value < 1 || value > int.MaxValue || Math.Floor(value) != value)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Row {row}, column {column + 1} ({name}): expected a whole number of tokens ≥ 1; got {value}."));
        }

        return (int)value;
    }
}
