using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace LlmCore.Commercialization.Sensitivity;

/// <summary>
/// Monte Carlo propagation of independent uncertain inputs through a model, with a seeded Mersenne Twister.
/// </summary>
/// <remarks>
/// <para>Each draw samples every input independently from its MathNet.Numerics distribution, evaluates the model,
/// and the outputs are summarised by mean, standard deviation, P10/P50/P90 (R-8 quantiles) and the probability of
/// a negative outcome. The standard error of the mean falls as σ/√n. (Metropolis and Ulam 1949, "The Monte Carlo
/// method", <i>JASA</i> 44:335–341; Vose, <i>Risk Analysis</i>, 3rd ed., 2008, for the three-point and PERT
/// inputs.) The same seed gives the same result on every run.</para>
/// <para>This type is stateless and thread-safe; the model delegate is called from the calling thread only.</para>
/// </remarks>
public static class MonteCarlo
{
    /// <summary>Runs <paramref name="samples"/> draws of <paramref name="model"/>.</summary>
    /// <param name="model">Maps input values (in the order of <paramref name="inputs"/>) to the output.</param>
    /// <param name="inputs">The uncertain inputs.</param>
    /// <param name="samples">The number of draws, 2 to 10,000,000.</param>
    /// <param name="seed">The seed of the Mersenne Twister.</param>
    /// <param name="cancellationToken">Cancels a long run.</param>
    /// <returns>The summary of the outputs.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="inputs"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is outside 2…10,000,000.</exception>
    /// <exception cref="InvalidOperationException">The model returned a value that is not finite.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static MonteCarloSummary Run(
        Func<IReadOnlyList<double>, double> model,
        IReadOnlyList<UncertainInput> inputs,
        int samples,
        int seed,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (samples < 2 || samples > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "The number of samples must be 2..10,000,000.");
        }

        var random = new MersenneTwister(seed, threadSafe: false);
        var distributions = inputs.Select(i => i.CreateDistribution(random)).ToArray();
        var values = new double[inputs.Count];
        var outputs = new double[samples];
        var negatives = 0;
        for (var s = 0; s < samples; s++)
        {
            if ((s & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (var k = 0; k < values.Length; k++)
            {
                values[k] = distributions[k].Sample();
            }

            var y = model(values);
            if (!double.IsFinite(y))
            {
                throw new InvalidOperationException($"The model returned {y} on draw {s}.");
            }

            outputs[s] = y;
            if (y < 0)
            {
                negatives++;
            }
        }

        var mean = outputs.Mean();
        var sd = outputs.StandardDeviation();
        var p10 = outputs.Quantile(0.10);
        var p50 = outputs.Quantile(0.50);
        var p90 = outputs.Quantile(0.90);
        return new MonteCarloSummary(samples, seed, mean, sd, p10, p50, p90, (double)negatives / samples);
    }
}
