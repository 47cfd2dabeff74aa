namespace LlmCore.Commercialization.Costs;

/// <summary>Which side of the roofline limits a phase: arithmetic or memory traffic.</summary>
public enum RooflineBound
{
    /// <summary>The phase waits on memory bandwidth (bytes / (BW·η_m) is the larger time).</summary>
    Memory = 0,

    /// <summary>The phase waits on arithmetic (FLOPs / (peak·η_c) is the larger time).</summary>
    Compute = 1,
}
