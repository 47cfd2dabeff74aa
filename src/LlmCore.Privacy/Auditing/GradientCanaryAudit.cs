using System.Numerics;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Auditing;

/// <summary>
/// A white-box one-run audit of DP-SGD with gradient canaries (the white-box setting of Steinke, Nasr and Jagielski 2023): each
/// canary is a gradient C·e_c, the clipping norm C times a unit vector on a coordinate of its own, which an included
/// canary adds to the clipped gradient sum whenever the sampler puts it in the batch; after training its score is the
/// inner product of the canary with the total parameter change θ₀ − θ_T.
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe. It does not depend on a training loop: a private gradient transform calls
/// <see cref="AddPoissonSampled(Span{float}, double, IRandomSource)"/> (or <see cref="AddCanaryGradient(int, Span{float})"/>
/// for samplers that decide membership themselves) after clipping and summing the batch and before adding noise; after
/// the run, <see cref="Score(ReadOnlySpan{float}, ReadOnlySpan{float})"/> turns the initial and final parameters into one
/// score per canary for <see cref="PrivacyAudit.EvaluateOneRun(OneRunAuditPlan, ReadOnlySpan{double}, int, int, double, double)"/>.</para>
/// <para>Dirac canaries (one coordinate each, norm exactly C, so clipping leaves them unchanged) are the white-box
/// canaries the paper recommends: their coordinates are drawn uniformly without repetition, so their effects do not
/// interfere. An included canary is one record present under add/remove neighbours; sampled with the batch's probability
/// q at every step, it is covered by the same accountant ε as every training example, which the audited bound is then
/// compared with. Canaries add to the batch: with Poisson sampling the expected batch grows by about q·m/2.</para>
/// </remarks>
public sealed class GradientCanaryAudit
{
    private readonly int[] _coordinates;

    /// <summary>Initializes a new instance of the <see cref="GradientCanaryAudit"/> class.</summary>
    /// <param name="plan">The inclusion bits; one canary per bit.</param>
    /// <param name="parameterCount">The number of model parameters d, ≥ the number of canaries.</param>
    /// <param name="clippingNorm">C, DP-SGD's per-example clipping norm; finite and &gt; 0.</param>
    /// <param name="source">The random bits that place the canaries; <see langword="null"/> selects the secure source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is below the canary count, or <paramref name="clippingNorm"/> is not finite and positive.</exception>
    public GradientCanaryAudit(OneRunAuditPlan plan, int parameterCount, double clippingNorm, IRandomSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (parameterCount < plan.CanaryCount)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, $"must be >= the number of canaries ({plan.CanaryCount}): each canary needs a coordinate of its own.");
        }

        Guard.PositiveFinite(clippingNorm);
        Plan = plan;
        ParameterCount = parameterCount;
        ClippingNorm = clippingNorm;
        _coordinates = DistinctCoordinates(plan.CanaryCount, parameterCount, source ?? SecureRandomSource.Instance);
    }

    /// <summary>Gets the plan (the inclusion bits).</summary>
    public OneRunAuditPlan Plan { get; }

    /// <summary>Gets the number of model parameters d.</summary>
    public int ParameterCount { get; }

    /// <summary>Gets C, the norm of every canary gradient.</summary>
    public double ClippingNorm { get; }

    /// <summary>The coordinate that canary <paramref name="canary"/> occupies.</summary>
    /// <param name="canary">The index, in [0, m).</param>
    /// <returns>A coordinate in [0, d).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="canary"/> is outside [0, m).</exception>
    public int CoordinateOf(int canary)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canary);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(canary, _coordinates.Length);
        return _coordinates[canary];
    }

    /// <summary>Adds the gradient of an included canary that the sampler put in this step's batch.</summary>
    /// <param name="canary">The canary, included by the plan.</param>
    /// <param name="clippedSum">The batch's clipped gradient sum, length d.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="canary"/> is outside [0, m).</exception>
    /// <exception cref="ArgumentException"><paramref name="clippedSum"/> is not d long, or the canary is excluded by the plan.</exception>
    public void AddCanaryGradient(int canary, Span<float> clippedSum) => AddOne(canary, clippedSum);

    /// <summary>Adds the gradient of an included canary that the sampler put in this step's batch.</summary>
    /// <param name="canary">The canary, included by the plan.</param>
    /// <param name="clippedSum">The batch's clipped gradient sum, length d.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="canary"/> is outside [0, m).</exception>
    /// <exception cref="ArgumentException"><paramref name="clippedSum"/> is not d long, or the canary is excluded by the plan.</exception>
    public void AddCanaryGradient(int canary, Span<double> clippedSum) => AddOne(canary, clippedSum);

    /// <summary>
    /// One Poisson-sampled step: each included canary joins the batch independently with probability
    /// <paramref name="samplingProbability"/> and, if it does, adds its gradient to <paramref name="clippedSum"/>.
    /// </summary>
    /// <param name="clippedSum">The batch's clipped gradient sum, length d.</param>
    /// <param name="samplingProbability">q, the sampler's inclusion probability, in [0, 1].</param>
    /// <param name="source">The sampler's random bits.</param>
    /// <returns>How many canaries joined the batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="clippedSum"/> is not d long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplingProbability"/> is outside [0, 1].</exception>
    public int AddPoissonSampled(Span<float> clippedSum, double samplingProbability, IRandomSource source) =>
        AddSampled(clippedSum, samplingProbability, source);

    /// <summary>
    /// One Poisson-sampled step: each included canary joins the batch independently with probability
    /// <paramref name="samplingProbability"/> and, if it does, adds its gradient to <paramref name="clippedSum"/>.
    /// </summary>
    /// <param name="clippedSum">The batch's clipped gradient sum, length d.</param>
    /// <param name="samplingProbability">q, the sampler's inclusion probability, in [0, 1].</param>
    /// <param name="source">The sampler's random bits.</param>
    /// <returns>How many canaries joined the batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="clippedSum"/> is not d long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplingProbability"/> is outside [0, 1].</exception>
    public int AddPoissonSampled(Span<double> clippedSum, double samplingProbability, IRandomSource source) =>
        AddSampled(clippedSum, samplingProbability, source);

    /// <summary>Scores every canary: ⟨C·e_c, θ₀ − θ_T⟩ = C·(θ₀[c] − θ_T[c]), larger when the canary pushed the parameters.</summary>
    /// <param name="initialParameters">θ₀, the parameters before training, length d.</param>
    /// <param name="finalParameters">θ_T, the parameters after training, length d.</param>
    /// <returns>One score per canary, in plan order.</returns>
    /// <exception cref="ArgumentException">A span is not d long.</exception>
    public double[] Score(ReadOnlySpan<float> initialParameters, ReadOnlySpan<float> finalParameters) =>
        ScoreCore(initialParameters, finalParameters);

    /// <summary>Scores every canary: ⟨C·e_c, θ₀ − θ_T⟩ = C·(θ₀[c] − θ_T[c]), larger when the canary pushed the parameters.</summary>
    /// <param name="initialParameters">θ₀, the parameters before training, length d.</param>
    /// <param name="finalParameters">θ_T, the parameters after training, length d.</param>
    /// <returns>One score per canary, in plan order.</returns>
    /// <exception cref="ArgumentException">A span is not d long.</exception>
    public double[] Score(ReadOnlySpan<double> initialParameters, ReadOnlySpan<double> finalParameters) =>
        ScoreCore(initialParameters, finalParameters);

    private void AddOne<T>(int canary, Span<T> clippedSum)
        where T : IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canary);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(canary, _coordinates.Length);
        CheckLength(clippedSum.Length, nameof(clippedSum));
        if (!Plan.IncludedUnchecked(canary))
        {
            throw new ArgumentException($"canary {canary} is excluded by the audit plan: adding it would break the audit.", nameof(canary));
        }

        clippedSum[_coordinates[canary]] += T.CreateChecked(ClippingNorm);
    }

    private int AddSampled<T>(Span<T> clippedSum, double samplingProbability, IRandomSource source)
        where T : IFloatingPointIeee754<T>
    {
        CheckLength(clippedSum.Length, nameof(clippedSum));
        Guard.Probability(samplingProbability);
        ArgumentNullException.ThrowIfNull(source);
        var included = Plan.IncludedCanaries;
        var norm = T.CreateChecked(ClippingNorm);
        Span<ulong> words = stackalloc ulong[256];
        var added = 0;
        for (var start = 0; start < included.Count; start += words.Length)
        {
            var n = Math.Min(words.Length, included.Count - start);
            var chunk = words[..n];
            source.Fill(chunk);
            for (var i = 0; i < n; i++)
            {
                // A 53-bit uniform u ∈ [0, 1): the canary joins when u < q (exactly probability q on the 2^-53 grid).
                if ((chunk[i] >> 11) * (1.0 / (1UL << 53)) < samplingProbability)
                {
                    clippedSum[_coordinates[included[start + i]]] += norm;
                    added++;
                }
            }
        }

        return added;
    }

    private double[] ScoreCore<T>(ReadOnlySpan<T> initialParameters, ReadOnlySpan<T> finalParameters)
        where T : IFloatingPointIeee754<T>
    {
        CheckLength(initialParameters.Length, nameof(initialParameters));
        CheckLength(finalParameters.Length, nameof(finalParameters));
        var scores = new double[_coordinates.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var c = _coordinates[i];
            scores[i] = ClippingNorm * (double.CreateChecked(initialParameters[c]) - double.CreateChecked(finalParameters[c]));
        }

        return scores;
    }

    private void CheckLength(int length, string name)
    {
        if (length != ParameterCount)
        {
            throw new ArgumentException($"must hold the {ParameterCount} model parameters; got {length}.", name);
        }
    }

    /// <summary>m distinct coordinates of [0, d), uniformly (a partial Fisher–Yates shuffle with unbiased draws).</summary>
    private static int[] DistinctCoordinates(int count, int dimension, IRandomSource source)
    {
        if (count * 4L <= dimension)
        {
            // Sparse: rejection of repeats is cheaper than a d-long permutation.
            var chosen = new HashSet<int>();
            var result = new int[count];
            for (var i = 0; i < count; i++)
            {
                int c;
                do
                {
                    c = (int)ExactSamplers.UniformBelow(source, (ulong)dimension);
                }
                while (!chosen.Add(c));
                result[i] = c;
            }

            return result;
        }

        var permutation = new int[dimension];
        for (var i = 0; i < dimension; i++)
        {
            permutation[i] = i;
        }

        for (var i = 0; i < count; i++)
        {
            var j = i + (int)ExactSamplers.UniformBelow(source, (ulong)(dimension - i));
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }

        return permutation[..count];
    }
}
