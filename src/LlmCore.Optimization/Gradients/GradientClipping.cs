using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Gradients;

/// <summary>
/// Gradient clipping as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.
/// </summary>
/// <remarks>
/// Global-norm clipping (Pascanu, Mikolov and Bengio 2013, "On the difficulty of training recurrent neural
/// networks"): n = ‖(‖g₁‖, …, ‖g_k‖)‖; every gradient is multiplied by min(1, c/(n + 10⁻⁶)), so an all-zero
/// gradient gives a factor of 1 rather than 0/0 (Optax's <c>clip_by_global_norm</c> lacks the 10⁻⁶). Norms are
/// accumulated in double. The methods are thread-safe as long as no other thread writes the same gradients.
/// </remarks>
public static class GradientClipping
{
    /// <summary>Computes the global norm of the gradients of <paramref name="parameters"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="normType">The norm's p ≥ 1, or <see cref="double.PositiveInfinity"/> for the max norm; default 2.</param>
    /// <returns>The norm (NaN or ∞ if a gradient holds NaN or ∞).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normType"/> is below 1 or NaN.</exception>
    public static double GlobalNorm<T>(IEnumerable<Parameter<T>> parameters, double normType = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (double.IsNaN(normType) || normType < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(normType), normType, "normType must be ≥ 1 or +∞.");
        }

        if (double.IsPositiveInfinity(normType))
        {
            var max = 0.0;
            foreach (var parameter in parameters)
            {
                var m = Norms.MaxAbs<T>(parameter.Gradient);
                max = double.IsNaN(m) || m > max ? m : max;
            }

            return max;
        }

        var total = 0.0;
        foreach (var parameter in parameters)
        {
            double norm;
            if (normType == 2)
            {
                norm = Norms.L2<T>(parameter.Gradient);
                total += norm * norm;
            }
            else
            {
                var sum = 0.0;
                foreach (var g in parameter.Gradient)
                {
                    sum += Math.Pow(Math.Abs(double.CreateTruncating(g)), normType);
                }

                total += sum;
            }
        }

        return normType == 2 ? Math.Sqrt(total) : Math.Pow(total, 1 / normType);
    }

    /// <summary>Scales all gradients so that their global norm is at most <paramref name="maxNorm"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters whose gradients are clipped in place.</param>
    /// <param name="maxNorm">The largest allowed norm c, ≥ 0.</param>
    /// <param name="normType">The norm's p ≥ 1, or <see cref="double.PositiveInfinity"/>; default 2.</param>
    /// <returns>The global norm before clipping.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or not finite, or <paramref name="normType"/> is below 1.</exception>
    public static double ClipByGlobalNorm<T>(IEnumerable<Parameter<T>> parameters, double maxNorm, double normType = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.NonNegativeFinite(maxNorm);
        var list = parameters as Parameter<T>[] ?? [.. parameters];
        var total = GlobalNorm(list, normType);
        Scale(list, Coefficient(maxNorm, total));
        return total;
    }

    /// <summary>L2 global-norm clipping over an array, without allocating (the training loop's per-step path).</summary>
    internal static double ClipByGlobalNorm<T>(ReadOnlySpan<Parameter<T>> parameters, double maxNorm)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var total = 0.0;
        foreach (var parameter in parameters)
        {
            var norm = Norms.L2<T>(parameter.Gradient);
            total += norm * norm;
        }

        total = Math.Sqrt(total);
        Scale(parameters, Coefficient(maxNorm, total));
        return total;
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters whose gradients are clipped in place.</param>
    /// <param name="clipValue">The bound, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative or not finite.</exception>
    public static void ClipByValue<T>(IEnumerable<Parameter<T>> parameters, double clipValue)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.NonNegativeFinite(clipValue);
        var high = T.CreateChecked(clipValue);
        foreach (var parameter in parameters)
        {
            System.Numerics.Tensors.TensorPrimitives.Clamp<T>(parameter.Gradient, -high, high, parameter.Gradient);
        }
    }

    /// <summary>min(c/(n + 10⁻⁶), 1), as <c>clip_grad_norm_</c>.</summary>
    private static double Coefficient(double maxNorm, double total) => Math.Min(maxNorm / (total + 1e-6), 1.0);

    /// <summary>Multiplies every gradient by the coefficient (always, even when it is 1, as PyTorch does).</summary>
    private static void Scale<T>(ReadOnlySpan<Parameter<T>> parameters, double coefficient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var c = T.CreateChecked(coefficient);
        foreach (var parameter in parameters)
        {
            var g = parameter.Gradient;
            for (var i = 0; i < g.Length; i++)
            {
                g[i] *= c;
            }
        }
    }
}
