namespace LlmCore.Commercialization.Costs;

/// <summary>Which side of the roofline limits a phase: arithmetic or memory traffic.</summary>
/// <remarks>
/// A phase sums per-operator roofline times (weight products and attention); it is labelled by whichever kind of
/// operator time, arithmetic-bound or memory-bound, makes up more of it.
/// </remarks>
public enum RooflineBound
{
    /// <summary>Memory-bound operators (bytes / (BW·η_m) the larger) take most of the phase's time.</summary>
    Memory = 0,

    /// <summary>Arithmetic-bound operators (FLOPs / (peak·η_c) the larger) take most of the phase's time.</summary>
    Compute = 1,
}
