namespace LlmCore.Commercialization.Sensitivity;

/// <summary>How an <see cref="UncertainInput"/> is drawn in a Monte Carlo run.</summary>
public enum InputDistribution
{
    /// <summary>Triangular on [Low, High] with mode Base (expert three-point range).</summary>
    Triangular,

    /// <summary>PERT: Beta(1 + 4(Base − Low)/(High − Low), 1 + 4(High − Base)/(High − Low)) scaled to [Low, High].</summary>
    Pert,

    /// <summary>Normal with mean Base and σ = (High − Low)/(2·1.2815515655446004), so that Low and High are the P10 and P90.</summary>
    Normal,
}
