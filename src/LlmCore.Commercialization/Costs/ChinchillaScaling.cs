using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Costs;

/// <summary>
/// Compute-optimal model size and data for a training budget, after Hoffmann et al. 2022, "Training Compute-Optimal
/// Large Language Models" (Chinchilla), arXiv:2203.15556.
/// </summary>
/// <remarks>
/// <para>With C = 6·N·D and the paper's finding that parameters and tokens should grow in equal proportion
/// (Approaches 1 and 2: N_opt ∝ C^0.50, D_opt ∝ C^0.50), the optimum sits at a fixed ratio r of tokens per
/// parameter, about 20 (Chinchilla itself: 70B parameters, 1.4T tokens). Hence N_opt = √(C / (6·r)) and
/// D_opt = r·N_opt.</para>
/// <para><see cref="Loss"/> is the paper's parametric fit (Approach 3, §3.3, Eq. 2): L(N, D) = E + A/N^α + B/D^β with
/// E = 1.69, A = 406.4, B = 410.7, α = 0.34, β = 0.28.</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class ChinchillaScaling
{
    /// <summary>The compute-optimal tokens per parameter: 20 (Hoffmann et al. 2022, Table 3 and the Chinchilla run itself).</summary>
    public const double TokensPerParameter = 20.0;

    /// <summary>Gets the compute-optimal parameters and tokens for a budget of <paramref name="flops"/> training FLOPs.</summary>
    /// <param name="flops">The training compute C, finite and &gt; 0.</param>
    /// <param name="tokensPerParameter">The optimal ratio r of tokens to parameters, finite and &gt; 0.</param>
    /// <returns>N = √(C/(6r)) and D = r·N, so that 6·N·D = C.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is NaN, infinite or ≤ 0.</exception>
    public static ComputeOptimalAllocation ComputeOptimal(double flops, double tokensPerParameter = TokensPerParameter)
    {
        Guard.PositiveFinite(flops);
        Guard.PositiveFinite(tokensPerParameter);
        var parameters = Math.Sqrt(flops / (6.0 * tokensPerParameter));
        return new ComputeOptimalAllocation(parameters, tokensPerParameter * parameters);
    }

    /// <summary>Gets the compute-optimal training tokens for a model of <paramref name="parameters"/> parameters: r·N.</summary>
    /// <param name="parameters">Parameters N, finite and &gt; 0.</param>
    /// <param name="tokensPerParameter">The optimal ratio r, finite and &gt; 0.</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is NaN, infinite or ≤ 0.</exception>
    public static double OptimalTokens(double parameters, double tokensPerParameter = TokensPerParameter)
    {
        Guard.PositiveFinite(parameters);
        Guard.PositiveFinite(tokensPerParameter);
        return tokensPerParameter * parameters;
    }

    /// <summary>Gets the fitted pre-training loss (nats per token on MassiveText) of N parameters trained on D tokens.</summary>
    /// <param name="parameters">Parameters N, finite and &gt; 0.</param>
    /// <param name="tokens">Training tokens D, finite and &gt; 0.</param>
    /// <returns>1.69 + 406.4/N^0.34 + 410.7/D^0.28.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is NaN, infinite or ≤ 0.</exception>
    public static double Loss(double parameters, double tokens)
    {
        Guard.PositiveFinite(parameters);
        Guard.PositiveFinite(tokens);
        return 1.69 + (406.4 / Math.Pow(parameters, 0.34)) + (410.7 / Math.Pow(tokens, 0.28));
    }
}

/// <summary>A compute-optimal split of a training budget.</summary>
/// <param name="Parameters">Model parameters N.</param>
/// <param name="Tokens">Training tokens D.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public readonly record struct ComputeOptimalAllocation(double Parameters, double Tokens)
{
    /// <summary>Gets the training compute 6·N·D of this allocation.</summary>
    public double Flops => 6.0 * Parameters * Tokens;
}
