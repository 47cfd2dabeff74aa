using System.Numerics;

namespace LlmCore.Optimization.Factories;

/// <summary>Creates optimizers by their <c>torch.optim</c>-style name.</summary>
/// <remarks>Implementations are thread-safe; the optimizers they create are not.</remarks>
public interface IOptimizerFactory
{
    /// <summary>Gets the names <see cref="Create{T}(string, IEnumerable{ParameterGroup{T}}, OptimizerSettings?)"/> accepts:
    /// <c>sgd</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c>, <c>adagrad</c>, <c>adadelta</c>, <c>adamax</c>,
    /// <c>nadam</c>, <c>radam</c>, <c>lion</c>, <c>lamb</c>, <c>lars</c>, <c>adafactor</c>, <c>muon</c>,
    /// <c>adam8bit</c>, <c>adamw8bit</c>.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Creates an optimizer over parameter groups.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The optimizer's name (case-insensitive), one of <see cref="Names"/>.</param>
    /// <param name="groups">The parameter groups (per-group learning rate and weight decay; weight decay 0 masks a group).</param>
    /// <param name="settings">The hyperparameters; <see langword="null"/> for all defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its range (the exception names it).</exception>
    IOptimizer<T> Create<T>(string name, IEnumerable<ParameterGroup<T>> groups, OptimizerSettings? settings = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Creates an optimizer over one group of parameters.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The optimizer's name (case-insensitive), one of <see cref="Names"/>.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="settings">The hyperparameters; <see langword="null"/> for all defaults.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its range (the exception names it).</exception>
    IOptimizer<T> Create<T>(string name, IEnumerable<Parameter<T>> parameters, OptimizerSettings? settings = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}
