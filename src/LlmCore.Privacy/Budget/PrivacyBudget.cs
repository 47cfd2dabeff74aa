using LlmCore.Privacy.Guarantees;

namespace LlmCore.Privacy.Budget;

/// <summary>
/// An odometer of the privacy spent on one dataset under basic composition: ε and δ add up for DP releases
/// (Dwork et al. 2006), ρ adds up for zCDP releases (Bun and Steinke 2016, Lemma 2.3). A spend that would take any
/// total past its limit throws <see cref="PrivacyBudgetExceededException"/> and changes nothing.
/// </summary>
/// <remarks>
/// <para>This type is thread-safe: <see cref="Spend"/> checks and adds under one lock, so concurrent callers can
/// never jointly exceed a limit and no spend is lost. It fails closed: every mechanism in this package that takes
/// a budget spends from it <em>before</em> it draws any noise, so a refused release reveals nothing.</para>
/// <para>Sums are compared without slack: a spend is accepted only if the rounded binary64 sum is ≤ the limit.
/// Basic composition is loose; for many Gaussian releases prefer tracking ρ, and for DP-SGD an accountant.</para>
/// </remarks>
public sealed class PrivacyBudget
{
    private readonly Lock _gate = new();
    private double _epsilon;
    private double _delta;
    private double _rho;
    private long _spends;

    /// <summary>Initializes a new instance of the <see cref="PrivacyBudget"/> class.</summary>
    /// <param name="epsilonLimit">The total ε allowed, finite and ≥ 0.</param>
    /// <param name="deltaLimit">The total δ allowed, in [0, 1).</param>
    /// <param name="rhoLimit">The total ρ allowed for zCDP releases, finite and ≥ 0 (0 refuses zCDP releases).</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is outside its range.</exception>
    public PrivacyBudget(double epsilonLimit, double deltaLimit = 0, double rhoLimit = 0)
    {
        Guard.NonNegativeFinite(epsilonLimit);
        Guard.Delta(deltaLimit);
        Guard.NonNegativeFinite(rhoLimit);
        EpsilonLimit = epsilonLimit;
        DeltaLimit = deltaLimit;
        RhoLimit = rhoLimit;
    }

    /// <summary>Gets the total ε allowed.</summary>
    public double EpsilonLimit { get; }

    /// <summary>Gets the total δ allowed.</summary>
    public double DeltaLimit { get; }

    /// <summary>Gets the total ρ allowed.</summary>
    public double RhoLimit { get; }

    /// <summary>Gets the ε spent so far.</summary>
    public double EpsilonSpent
    {
        get
        {
            lock (_gate)
            {
                return _epsilon;
            }
        }
    }

    /// <summary>Gets the δ spent so far.</summary>
    public double DeltaSpent
    {
        get
        {
            lock (_gate)
            {
                return _delta;
            }
        }
    }

    /// <summary>Gets the ρ spent so far.</summary>
    public double RhoSpent
    {
        get
        {
            lock (_gate)
            {
                return _rho;
            }
        }
    }

    /// <summary>Gets the number of accepted spends.</summary>
    public long SpendCount
    {
        get
        {
            lock (_gate)
            {
                return _spends;
            }
        }
    }

    /// <summary>Gets the ε still available.</summary>
    public double EpsilonRemaining => Math.Max(0, EpsilonLimit - EpsilonSpent);

    /// <summary>Records the spend of one release, or throws without recording anything.</summary>
    /// <param name="guarantee">The guarantee of the release.</param>
    /// <exception cref="ArgumentNullException"><paramref name="guarantee"/> is <see langword="null"/>.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The spend would exceed a limit.</exception>
    public void Spend(PrivacyGuarantee guarantee)
    {
        if (!TrySpend(guarantee, out var exceeded))
        {
            throw exceeded!;
        }
    }

    /// <summary>Records the spend of one release if it fits.</summary>
    /// <param name="guarantee">The guarantee of the release.</param>
    /// <returns><see langword="true"/> if the spend was recorded; <see langword="false"/> if it would exceed a limit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guarantee"/> is <see langword="null"/>.</exception>
    public bool TrySpend(PrivacyGuarantee guarantee) => TrySpend(guarantee, out _);

    private bool TrySpend(PrivacyGuarantee guarantee, out PrivacyBudgetExceededException? exceeded)
    {
        ArgumentNullException.ThrowIfNull(guarantee);
        lock (_gate)
        {
            var epsilon = _epsilon + guarantee.Epsilon;
            var delta = _delta + guarantee.Delta;
            var rho = _rho + guarantee.Rho;
            if (epsilon > EpsilonLimit || delta > DeltaLimit || rho > RhoLimit)
            {
                exceeded = new PrivacyBudgetExceededException(guarantee, _epsilon, _delta, _rho, EpsilonLimit, DeltaLimit, RhoLimit);
                return false;
            }

            _epsilon = epsilon;
            _delta = delta;
            _rho = rho;
            _spends++;
            exceeded = null;
            return true;
        }
    }
}
