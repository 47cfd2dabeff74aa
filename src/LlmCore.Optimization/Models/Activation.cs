namespace LlmCore.Optimization.Models;

/// <summary>The hidden activations <see cref="ModelFactory.Mlp{T}"/> offers.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>x·Φ(x), exact.</summary>
    Gelu,

    /// <summary>tanh x.</summary>
    Tanh,

    /// <summary>1/(1 + e^(−x)).</summary>
    Sigmoid,
}
