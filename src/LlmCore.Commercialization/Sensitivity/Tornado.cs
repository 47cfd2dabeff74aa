namespace LlmCore.Commercialization.Sensitivity;

/// <summary>
/// One-at-a-time (tornado) sensitivity: every input held at its base, one input set to its low and then its high
/// value, the swing |high − low| recorded, and the bars sorted by swing.
/// </summary>
/// <remarks>
/// <para>Howard, R. A. (1988), "Decision analysis: practice and promise", <i>Management Science</i> 34(6):679–695;
/// Eschenbach, T. G. (1992), "Spiderplots versus tornado diagrams for sensitivity analysis", <i>Interfaces</i>
/// 22(6):40–46.</para>
/// <para>This type is stateless and thread-safe; the model delegate is called from the calling thread only.</para>
/// </remarks>
public static class Tornado
{
    /// <summary>Computes the tornado data of <paramref name="model"/>.</summary>
    /// <param name="model">Maps input values (in the order of <paramref name="inputs"/>) to the output.</param>
    /// <param name="inputs">The inputs with their low, base and high values.</param>
    /// <returns>The base output and the bars, largest swing first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="inputs"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The model returned a value that is not finite.</exception>
    public static TornadoResult Compute(Func<IReadOnlyList<double>, double> model, IReadOnlyList<UncertainInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var values = inputs.Select(static i => i.Base).ToArray();
        var baseOutput = Evaluate(model, values);
        var bars = new List<TornadoBar>(inputs.Count);
        for (var k = 0; k < inputs.Count; k++)
        {
            values[k] = inputs[k].Low;
            var low = Evaluate(model, values);
            values[k] = inputs[k].High;
            var high = Evaluate(model, values);
            values[k] = inputs[k].Base;
            bars.Add(new TornadoBar(inputs[k].Name, inputs[k].Low, inputs[k].High, low, high));
        }

        var sorted = bars.Select((b, i) => (b, i)).OrderByDescending(static x => x.b.Swing).ThenBy(static x => x.i).Select(static x => x.b).ToArray();
        return new TornadoResult(baseOutput, sorted);
    }

    private static double Evaluate(Func<IReadOnlyList<double>, double> model, double[] values)
    {
        var y = model((double[])values.Clone());
        if (!double.IsFinite(y))
        {
            throw new InvalidOperationException($"The model returned {y}.");
        }

        return y;
    }
}
