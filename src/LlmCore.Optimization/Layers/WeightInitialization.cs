namespace LlmCore.Optimization.Layers;

/// <summary>How a <see cref="Dense{T}"/> layer draws its initial weights (biases start at zero).</summary>
/// <remarks>
/// Glorot and Bengio (2010), "Understanding the difficulty of training deep feedforward neural networks";
/// He et al. (2015), "Delving deep into rectifiers". For n_in inputs and n_out outputs:
/// Glorot uniform U(−a, a) with a = √(6/(n_in + n_out)); Glorot normal N(0, 2/(n_in + n_out));
/// He uniform U(−a, a) with a = √(6/n_in); He normal N(0, 2/n_in).
/// </remarks>
public enum WeightInitialization
{
    /// <summary>U(−a, a), a = √(6/(n_in + n_out)): the Keras default, suited to tanh and sigmoid.</summary>
    GlorotUniform,

    /// <summary>N(0, 2/(n_in + n_out)).</summary>
    GlorotNormal,

    /// <summary>U(−a, a), a = √(6/n_in): suited to ReLU and GELU.</summary>
    HeUniform,

    /// <summary>N(0, 2/n_in).</summary>
    HeNormal,
}
