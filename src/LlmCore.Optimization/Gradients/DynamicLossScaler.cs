using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Gradients;

/// <summary>
/// Dynamic loss scaling for low-precision training (Micikevicius et al. 2018, "Mixed Precision Training"), as
/// <c>torch.amp.GradScaler</c>: multiply the loss by <see cref="Scale"/> before the backward pass, then call
/// <see cref="Step{T}"/>, which unscales the gradients and steps the optimizer only if they are all finite.
/// </summary>
/// <remarks>
/// On Inf or NaN the step is skipped (parameters and optimizer state untouched), the scale is multiplied by the
/// backoff factor and the clean-step count restarts; after <c>growthInterval</c> clean steps in a row the scale is
/// multiplied by the growth factor. Defaults are GradScaler's: 2¹⁶, ×2, ×0.5, 2000. This type is not thread-safe.
/// </remarks>
public sealed class DynamicLossScaler
{
    private readonly double _growthFactor;
    private readonly double _backoffFactor;
    private readonly int _growthInterval;

    /// <summary>Initializes a new instance of the <see cref="DynamicLossScaler"/> class.</summary>
    /// <param name="initialScale">The first scale, &gt; 0; default 65536.</param>
    /// <param name="growthFactor">The growth factor, &gt; 1; default 2.</param>
    /// <param name="backoffFactor">The backoff factor in (0, 1); default 0.5.</param>
    /// <param name="growthInterval">Clean steps before growing, ≥ 1; default 2000.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public DynamicLossScaler(double initialScale = 65536, double growthFactor = 2, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        Guard.PositiveFinite(initialScale);
        if (!double.IsFinite(growthFactor) || growthFactor <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "growthFactor must be > 1.");
        }

        if (!(backoffFactor > 0 && backoffFactor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "backoffFactor must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(growthInterval);
        Scale = initialScale;
        _growthFactor = growthFactor;
        _backoffFactor = backoffFactor;
        _growthInterval = growthInterval;
    }

    /// <summary>Gets the current loss scale.</summary>
    public double Scale { get; private set; }

    /// <summary>Gets the number of consecutive clean steps since the last change of scale.</summary>
    public int CleanSteps { get; private set; }

    /// <summary>Gets the number of steps skipped because of Inf or NaN gradients.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Unscales the gradients and steps <paramref name="optimizer"/> if they are finite; then updates the scale.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="optimizer">The optimizer whose parameters' gradients were computed from the scaled loss.</param>
    /// <returns><see langword="true"/> if the optimizer stepped; <see langword="false"/> if the step was skipped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is <see langword="null"/>.</exception>
    public bool Step<T>(IOptimizer<T> optimizer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var parameters = optimizer.ParameterGroups.SelectMany(static g => g.Parameters).Where(static p => p.RequiresGrad).ToList();
        foreach (var parameter in parameters)
        {
            foreach (var g in parameter.Gradient)
            {
                if (!T.IsFinite(g))
                {
                    SkippedSteps++;
                    Scale *= _backoffFactor;
                    CleanSteps = 0;
                    return false;
                }
            }
        }

        var inverse = T.CreateChecked(1.0 / Scale);
        foreach (var parameter in parameters)
        {
            var gradient = parameter.Gradient;
            for (var i = 0; i < gradient.Length; i++)
            {
                gradient[i] *= inverse;
            }
        }

        optimizer.Step();
        CleanSteps++;
        if (CleanSteps == _growthInterval)
        {
            Scale *= _growthFactor;
            CleanSteps = 0;
        }

        return true;
    }
}
