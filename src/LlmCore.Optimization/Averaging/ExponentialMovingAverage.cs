using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Averaging;

/// <summary>
/// An exponential moving average of weights, as <c>torch.optim.swa_utils.AveragedModel</c> with
/// <c>get_ema_multi_avg_fn(decay)</c> (Polyak and Juditsky 1992 averaging; EMA as used by Karras et al. and Keras'
/// <c>use_ema</c>).
/// </summary>
/// <remarks>
/// The first <see cref="Update"/> copies the weights; later ones compute ema ← lerp(ema, θ, 1 − decay) with PyTorch's
/// two-branch lerp. <see cref="CopyTo"/> writes the averages into the parameters (for evaluation). This type is not
/// thread-safe.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ExponentialMovingAverage<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly T[][] _averages;

    /// <summary>Initializes a new instance of the <see cref="ExponentialMovingAverage{T}"/> class.</summary>
    /// <param name="parameters">The parameters to average.</param>
    /// <param name="decay">The decay in [0, 1); default 0.999.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is outside [0, 1).</exception>
    public ExponentialMovingAverage(IEnumerable<Parameter<T>> parameters, double decay = 0.999)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.Beta(decay);
        Decay = decay;
        _parameters = [.. parameters];
        _averages = [.. _parameters.Select(static p => new T[p.Length])];
    }

    /// <summary>Gets the decay.</summary>
    public double Decay { get; }

    /// <summary>Gets the number of updates so far.</summary>
    public long UpdateCount { get; private set; }

    /// <summary>Gets the average of the parameter at <paramref name="index"/> (in constructor order).</summary>
    /// <param name="index">The parameter's position.</param>
    /// <returns>The averaged values.</returns>
    public ReadOnlySpan<T> Average(int index) => _averages[index];

    /// <summary>Folds the current weights into the averages.</summary>
    public void Update()
    {
        var w = T.CreateChecked(1 - Decay);
        var omw = T.One - w;
        var low = Math.Abs(1 - Decay) < 0.5;
        for (var k = 0; k < _parameters.Length; k++)
        {
            var values = _parameters[k].Values;
            var average = _averages[k];
            if (UpdateCount == 0)
            {
                values.CopyTo(average);
                continue;
            }

            for (var i = 0; i < average.Length; i++)
            {
                average[i] = Kernels.Lerp(average[i], values[i], w, omw, low);
            }
        }

        UpdateCount++;
    }

    /// <summary>Writes the averages into the parameters' values.</summary>
    public void CopyTo()
    {
        for (var k = 0; k < _parameters.Length; k++)
        {
            _averages[k].CopyTo(_parameters[k].Values);
        }
    }
}
