namespace LlmCore.Commercialization.Costs;

/// <summary>
/// Which activations are recomputed in the backward pass instead of stored (Korthikanti et al. 2022, "Reducing
/// Activation Recomputation in Large Transformer Models", arXiv:2205.05198, §4–5).
/// </summary>
public enum ActivationRecomputation
{
    /// <summary>Store everything: s·b·d·(34 + 5·a·s/d) bytes per layer (16-bit activations).</summary>
    None = 0,

    /// <summary>Recompute the attention score, softmax and dropout (the 5·a·s/d term): 34·s·b·d bytes per layer.</summary>
    Selective = 1,

    /// <summary>Keep only each layer's input (2·s·b·d bytes) and recompute the layer; one layer's full working set is live at a time.</summary>
    Full = 2,
}
