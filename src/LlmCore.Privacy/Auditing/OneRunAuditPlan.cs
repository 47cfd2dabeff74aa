using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Auditing;

/// <summary>
/// The random half of a one-run audit (Steinke, Nasr and Jagielski 2023, Algorithm 1): m canaries, each included in the
/// training run independently with probability ½. The auditor later guesses, from the run's output alone, which were
/// included; see <see cref="PrivacyAudit.EvaluateOneRun(OneRunAuditPlan, ReadOnlySpan{double}, int, int, double, double)"/>.
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe. The plan does not know what a canary is: an example added to the
/// training set (<see cref="ExampleCanaryAudit{TExample}"/>), a gradient inserted into DP-SGD's clipped sum
/// (<see cref="GradientCanaryAudit"/>), or anything else whose presence is one record's presence under the audited
/// neighbouring relation. The inclusion bits must stay secret from whatever produces the scores until the run is over,
/// or the guesses are not the test the bound assumes; that is why the secure source is the default.</para>
/// </remarks>
public sealed class OneRunAuditPlan
{
    private readonly bool[] _included;

    private OneRunAuditPlan(bool[] included)
    {
        _included = included;
        Inclusions = Array.AsReadOnly(included);
        var indices = new List<int>();
        for (var i = 0; i < included.Length; i++)
        {
            if (included[i])
            {
                indices.Add(i);
            }
        }

        IncludedCanaries = indices.AsReadOnly();
    }

    /// <summary>Gets m, the number of canaries.</summary>
    public int CanaryCount => _included.Length;

    /// <summary>Gets the inclusion bit of each canary: <see langword="true"/> when it takes part in the run.</summary>
    public IReadOnlyList<bool> Inclusions { get; }

    /// <summary>Gets the indices of the included canaries, in increasing order.</summary>
    public IReadOnlyList<int> IncludedCanaries { get; }

    /// <summary>Creates a plan: each of <paramref name="canaryCount"/> canaries is included independently with probability ½.</summary>
    /// <param name="canaryCount">m, ≥ 1.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>. Pass a
    /// <see cref="SeededRandomSource"/> only for reproducible experiments: whoever knows the seed knows the answer.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="canaryCount"/> is &lt; 1.</exception>
    public static OneRunAuditPlan Create(int canaryCount, IRandomSource? source = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(canaryCount, 1);
        source ??= SecureRandomSource.Instance;
        var words = new ulong[(canaryCount + 63) / 64];
        source.Fill(words);
        var included = new bool[canaryCount];
        for (var i = 0; i < canaryCount; i++)
        {
            included[i] = ((words[i >> 6] >> (i & 63)) & 1) == 1;
        }

        Array.Clear(words);
        return new OneRunAuditPlan(included);
    }

    /// <summary>Recreates a plan from stored inclusion bits (for example, to score a run trained elsewhere).</summary>
    /// <param name="inclusions">One bit per canary, at least one.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inclusions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="inclusions"/> is empty.</exception>
    public static OneRunAuditPlan FromInclusions(IEnumerable<bool> inclusions)
    {
        ArgumentNullException.ThrowIfNull(inclusions);
        var included = inclusions.ToArray();
        if (included.Length == 0)
        {
            throw new ArgumentException("must hold at least one canary.", nameof(inclusions));
        }

        return new OneRunAuditPlan(included);
    }

    /// <summary>Whether canary <paramref name="canary"/> takes part in the run.</summary>
    /// <param name="canary">The index, in [0, m).</param>
    /// <returns><see langword="true"/> when it is included.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="canary"/> is outside [0, m).</exception>
    public bool IsIncluded(int canary)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canary);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(canary, _included.Length);
        return _included[canary];
    }

    internal bool IncludedUnchecked(int canary) => _included[canary];
}
