using System.Numerics;

namespace LlmCore.Optimization.Internal;

/// <summary>How <see cref="ElementwiseUpdate"/> applies weight decay before a rule sees an element.</summary>
internal enum WeightDecayMode
{
    /// <summary>No weight decay (λ = 0, or the rule applies it itself).</summary>
    None = 0,

    /// <summary>PyTorch's coupled form: g ← g + λθ.</summary>
    L2 = 1,

    /// <summary>Decoupled (AdamW) form: θ ← θ(1 − lr·λ), before the moments.</summary>
    Decoupled = 2,
}

/// <summary>The per-element part of a scalar optimizer: updates element <c>i</c> of its state and returns the new parameter value.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal interface IElementRule<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Updates the state of element <paramref name="i"/> and returns θᵢ's new value.</summary>
    /// <param name="parameter">θᵢ after weight decay.</param>
    /// <param name="gradient">gᵢ after weight decay.</param>
    /// <param name="i">The element's index into the state buffers the rule holds.</param>
    T Apply(T parameter, T gradient, int i);
}

/// <summary>
/// The per-parameter loop the scalar optimizers (NAdam, RAdam, Adamax, Adagrad, Adadelta, RMSprop, LAMB, LARS) share:
/// read θᵢ and gᵢ, apply weight decay, let the rule update its state, write θᵢ.
/// </summary>
/// <remarks>
/// The rule is a struct passed by reference and constrained generically, so the JIT specialises the loop for each
/// optimizer and inlines <see cref="IElementRule{T}.Apply"/>: no interface call and no allocation per element.
/// </remarks>
internal static class ElementwiseUpdate
{
    /// <summary>Chooses the weight-decay mode for a step: <see cref="WeightDecayMode.None"/> when λ = 0.</summary>
    public static WeightDecayMode Mode(double weightDecay, bool decoupled) =>
        weightDecay == 0 ? WeightDecayMode.None : decoupled ? WeightDecayMode.Decoupled : WeightDecayMode.L2;

    /// <summary>Runs <paramref name="rule"/> over every element of <paramref name="parameter"/>.</summary>
    /// <param name="parameter">The parameter values θ, updated in place.</param>
    /// <param name="gradient">The gradient g (not changed).</param>
    /// <param name="mode">How weight decay is applied.</param>
    /// <param name="learningRate">The step's learning rate (for decoupled decay).</param>
    /// <param name="weightDecay">The step's weight decay λ.</param>
    /// <param name="rule">The optimizer's per-element rule.</param>
    public static void Run<T, TRule>(Span<T> parameter, ReadOnlySpan<T> gradient, WeightDecayMode mode, double learningRate, double weightDecay, ref TRule rule)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRule : struct, IElementRule<T>
    {
        var wd = T.CreateChecked(weightDecay);
        var decay = T.CreateChecked(1 - (learningRate * weightDecay));
        var g = gradient[..parameter.Length];
        for (var i = 0; i < parameter.Length; i++)
        {
            var gi = g[i];
            var pi = parameter[i];
            if (mode == WeightDecayMode.L2)
            {
                gi += wd * pi;
            }
            else if (mode == WeightDecayMode.Decoupled)
            {
                pi *= decay;
            }

            parameter[i] = rule.Apply(pi, gi, i);
        }
    }
}
