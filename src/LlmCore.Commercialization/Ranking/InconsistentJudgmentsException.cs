namespace LlmCore.Commercialization.Ranking;

/// <summary>
/// A pairwise comparison matrix whose consistency ratio is at or above Saaty's 0.10 threshold was used where
/// consistent judgments are required.
/// </summary>
/// <remarks>Instances are immutable once thrown.</remarks>
public sealed class InconsistentJudgmentsException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public InconsistentJudgmentsException()
        : base("The pairwise judgments are inconsistent (CR >= 0.10).")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InconsistentJudgmentsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InconsistentJudgmentsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance carrying the consistency ratio found.</summary>
    /// <param name="consistencyRatio">The consistency ratio of the rejected matrix.</param>
    public InconsistentJudgmentsException(double consistencyRatio)
        : base($"The pairwise judgments are inconsistent: CR = {consistencyRatio.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)} >= {AhpResult.AcceptableConsistencyRatio.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} (Saaty).")
    {
        ConsistencyRatio = consistencyRatio;
    }

    /// <summary>Gets the consistency ratio of the rejected matrix (NaN when not given).</summary>
    public double ConsistencyRatio { get; } = double.NaN;
}
