using System.Globalization;
using LlmCore.Privacy.Guarantees;

namespace LlmCore.Privacy.Budget;

/// <summary>
/// A release was refused because it would take a <see cref="PrivacyBudget"/> past its limit; no noise was drawn.
/// </summary>
/// <remarks>Instances are immutable and thread-safe; they carry the requested spend, what was already spent and the limits.</remarks>
public sealed class PrivacyBudgetExceededException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PrivacyBudgetExceededException"/> class.</summary>
    public PrivacyBudgetExceededException()
        : base("The privacy budget would be exceeded.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrivacyBudgetExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PrivacyBudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrivacyBudgetExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PrivacyBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal PrivacyBudgetExceededException(PrivacyGuarantee requested, double epsilonSpent, double deltaSpent, double rhoSpent, double epsilonLimit, double deltaLimit, double rhoLimit)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Spending {requested} would exceed the privacy budget: spent epsilon {epsilonSpent:R} of {epsilonLimit:R}, delta {deltaSpent:R} of {deltaLimit:R}, rho {rhoSpent:R} of {rhoLimit:R}."))
    {
        Requested = requested;
        EpsilonSpent = epsilonSpent;
        DeltaSpent = deltaSpent;
        RhoSpent = rhoSpent;
        EpsilonLimit = epsilonLimit;
        DeltaLimit = deltaLimit;
        RhoLimit = rhoLimit;
    }

    /// <summary>Gets the refused spend.</summary>
    public PrivacyGuarantee? Requested { get; }

    /// <summary>Gets the ε already spent.</summary>
    public double EpsilonSpent { get; }

    /// <summary>Gets the δ already spent.</summary>
    public double DeltaSpent { get; }

    /// <summary>Gets the ρ already spent.</summary>
    public double RhoSpent { get; }

    /// <summary>Gets the ε limit.</summary>
    public double EpsilonLimit { get; }

    /// <summary>Gets the δ limit.</summary>
    public double DeltaLimit { get; }

    /// <summary>Gets the ρ limit.</summary>
    public double RhoLimit { get; }
}
