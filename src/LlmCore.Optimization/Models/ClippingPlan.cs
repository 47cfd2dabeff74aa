namespace LlmCore.Optimization.Models;

/// <summary>How a model obtains one parameter's per-example gradient norms in <see cref="IModel{T}.ComputeWeightedGradients"/>.</summary>
public enum PerExampleNormMethod
{
    /// <summary>
    /// From the layer's stored inputs and output gradients, without forming the per-example gradient: for a dense
    /// layer at T positions ‖Σₜ gₜxₜᵀ‖² = ⟨XXᵀ, GGᵀ⟩ (Li, Tramèr, Liang, Hashimoto 2022); for an embedding the
    /// norm of its sparse row update; for a one-position dense layer ‖g‖²‖x‖².
    /// </summary>
    Ghost,

    /// <summary>By forming each example's gradient (Goodfellow 2015) and taking its norm.</summary>
    Materialized,
}

/// <summary>One trainable parameter and the way its per-example norms are obtained.</summary>
/// <param name="ParameterName">The parameter's <see cref="Parameter{T}.Name"/>.</param>
/// <param name="Method">Ghost norm or materialised per-example gradient.</param>
public readonly record struct ParameterClipping(string ParameterName, PerExampleNormMethod Method);

/// <summary>
/// Which way each trainable parameter's per-example gradient norm is obtained under a <see cref="ClippingMode"/>:
/// what <see cref="IModel{T}.ComputeWeightedGradients"/> does, described before it runs.
/// </summary>
/// <remarks>
/// <para>
/// Frozen parameters (<see cref="Parameter{T}.RequiresGrad"/> false) are not listed: they have no gradient and do
/// not count in the norms. Normalisation gains and biases are always materialised (they are d-vectors per example);
/// so is every parameter under <see cref="ClippingMode.Materialized"/>. Under <see cref="ClippingMode.Automatic"/> a
/// dense layer of d inputs and p outputs at T positions uses ghost norms when 2T² &lt; d·p (Bu, Mao, Xu 2022,
/// "mixed ghost clipping").
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class ClippingPlan
{
    /// <summary>Initializes a new instance of the <see cref="ClippingPlan"/> class.</summary>
    /// <param name="parameters">The trainable parameters and their methods, in model order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    public ClippingPlan(IEnumerable<ParameterClipping> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = [.. parameters];
        var ghost = 0;
        foreach (var entry in Parameters)
        {
            if (entry.Method == PerExampleNormMethod.Ghost)
            {
                ghost++;
            }
        }

        Summary = Parameters.Count == 0 ? "none"
            : ghost == Parameters.Count ? "ghost"
            : ghost == 0 ? "materialized"
            : "mixed";
    }

    /// <summary>Gets the trainable parameters and their methods, in model order.</summary>
    public IReadOnlyList<ParameterClipping> Parameters { get; }

    /// <summary>
    /// Gets <c>ghost</c> when every trainable parameter uses ghost norms, <c>materialized</c> when none does,
    /// <c>mixed</c> otherwise, and <c>none</c> when nothing is trainable (the words the CLI prints).
    /// </summary>
    public string Summary { get; }
}

/// <summary>A model that can say, per trainable parameter, how it will obtain per-example gradient norms.</summary>
/// <remarks>Implementations answer from their structure and the current frozen/trainable state; not thread-safe while parameters are frozen or unfrozen.</remarks>
public interface IClippingPlanner
{
    /// <summary>Describes how <see cref="IModel{T}.ComputeWeightedGradients"/> obtains per-example norms under <paramref name="mode"/>.</summary>
    /// <param name="mode">The clipping mode.</param>
    /// <returns>The plan, over the currently trainable parameters.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    ClippingPlan PlanClipping(ClippingMode mode);
}

/// <summary>The argument checks shared by the models' <see cref="IModel{T}.ComputeWeightedGradients"/> and <see cref="IClippingPlanner.PlanClipping"/>.</summary>
internal static class ClippingGuards
{
    /// <summary>Checks a clipping mode.</summary>
    /// <remarks>
    /// An explicit comparison rather than <c>Enum.IsDefined</c>: this runs on every training step, and
    /// <c>Enum.IsDefined</c>'s per-type data is held weakly by the runtime, so it allocates again after any garbage
    /// collection (AllocationTests collect before each measured round to catch exactly this).
    /// </remarks>
    public static void Mode(ClippingMode mode)
    {
        if (mode is not (ClippingMode.Automatic or ClippingMode.Ghost or ClippingMode.Materialized))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown clipping mode: expected Automatic, Ghost or Materialized.");
        }
    }

    /// <summary>Checks the arguments of a weighted-gradient call that are not the data.</summary>
    public static void WeightedCall(object weighting, int batchSize, int normsLength, ClippingMode mode)
    {
        ArgumentNullException.ThrowIfNull(weighting);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Mode(mode);
        if (normsLength < batchSize)
        {
            throw new ArgumentException($"The norms buffer holds {normsLength} values but the batch has {batchSize} examples.", "norms");
        }
    }
}
